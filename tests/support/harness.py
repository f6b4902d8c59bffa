"""Scenario harness: the app served over HTTP, signed requests as Slack sends them, the Slack
stand-in for the Web API and the Commerce Layer sandbox, all on loopback."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from bot.commercelayer import RetryPolicy
from bot.sandbox import DEMO, Sandbox
from bot.server import Runtime, build_runtime, start_server
from bot.settings import Settings
from bot.standin import SlackStandIn, start_standin
from bot.standin.events import Attempt, post_event
from bot.standin.payloads import (
    FORM,
    JSON,
    Who,
    block_suggestion,
    button_press,
    global_shortcut,
    interaction,
    signed_headers,
    slash_command,
    view_submission,
)
from tests.conftest import FAST_RETRY
from tests.support.reading import button

BOT_TOKEN = "xoxb-1111-2222-scenario-bot-token"
SIGNING_SECRET = "scenario-signing-secret-0123456789"
TEAM = "T0CONSOLE"
CHANNEL = "C0CONSOLE"
USER = "U0ALLOWED"
ACK_DEADLINE = 3.0


def scenario_settings(sandbox_url: str, slack_api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": SecretStr(BOT_TOKEN),
        "SLACK_SIGNING_SECRET": SecretStr(SIGNING_SECRET),
        "SLACK_API_URL": slack_api_url,
        "CL_CLIENT_ID": DEMO.client_id,
        "CL_CLIENT_SECRET": SecretStr(DEMO.client_secret),
        "CL_AUTH_URL": sandbox_url,
        "CL_API_URL": sandbox_url,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@dataclass
class Reply:
    status: int
    body: str
    elapsed: float
    trigger_id: str | None = None
    response_url: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Harness:
    url: str
    http: httpx.AsyncClient
    standin: SlackStandIn
    sandbox: Sandbox
    runtime: Runtime
    replies: list[Reply] = field(default_factory=list)
    secret: str = SIGNING_SECRET

    def who(self, user: str = USER, channel: str = CHANNEL) -> Who:
        return Who(user_id=user, team_id=TEAM, channel_id=channel, channel_name="ops")

    def signed(self, body: str, *, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        return signed_headers(secret or self.secret, body, timestamp)

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        started = time.monotonic()
        response = await self.http.post(
            self.url + "/slack/events",
            content=body.encode(),
            headers={**(headers if headers is not None else self.signed(body)), "Content-Type": content_type},
        )
        reply = Reply(response.status_code, response.text, time.monotonic() - started)
        self.replies.append(reply)
        return reply

    async def command(self, text: str, *, user: str = USER, channel: str = CHANNEL) -> Reply:
        trigger_id = self.standin.new_trigger_id()
        response_url = self.standin.new_response_url(channel, user_id=user)
        body = slash_command(self.who(user, channel), text, response_url=response_url, trigger_id=trigger_id)
        reply = await self.post(body, FORM)
        reply.trigger_id, reply.response_url = trigger_id, response_url
        return reply

    async def interact(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        return await self.post(interaction(payload), FORM, headers)

    async def press(
        self, action_id: str, value: str, *, response_url: str | None, user: str = USER, channel: str = CHANNEL
    ) -> Reply:
        trigger_id = self.standin.new_trigger_id()
        return await self.interact(
            button_press(self.who(user, channel), action_id, value, trigger_id=trigger_id, response_url=response_url)
        )

    async def submit(self, view: dict[str, Any], values: dict[str, dict[str, str]], *, user: str = USER) -> Reply:
        """A view_submission; an `update` answer is applied to the open modal, as Slack does."""
        submitted_hash = self.standin.views.get(str(view.get("id")), {}).get("hash")
        payload = view_submission(self.who(user), view, values, trigger_id=self.standin.new_trigger_id())
        reply = await self.interact(payload)
        answer = reply.json() if reply.status == 200 else None
        if isinstance(answer, dict) and answer.get("response_action") == "update":
            self.standin.update_view_from_ack(str(view["id"]), answer["view"], submitted_hash=submitted_hash)
        return reply

    async def suggest(
        self, view: dict[str, Any], block_id: str, action_id: str, typed: str, *, user: str = USER
    ) -> Reply:
        """What the user types in an external select of `view`; the reply's JSON holds its options."""
        payload = block_suggestion(self.who(user), view, block_id=block_id, action_id=action_id, value=typed)
        return await self.interact(payload)

    async def shortcut(self, callback_id: str = "wallet_save", *, user: str = USER) -> Reply:
        return await self.interact(
            global_shortcut(self.who(user), callback_id, trigger_id=self.standin.new_trigger_id())
        )

    async def event(self, envelope: JSON, *, retry_num: int = 0, retry_reason: str | None = None) -> Attempt:
        """An Events API delivery of `envelope`, as Slack POSTs it (`retry_num` > 0: one of its retries)."""
        started = time.monotonic()
        attempt = await post_event(
            self.http, self.url + "/slack/events", self.secret, envelope, retry_num=retry_num, retry_reason=retry_reason
        )
        self.replies.append(Reply(attempt.status or 0, "", time.monotonic() - started))
        return attempt

    async def ask(self, text: str, *, user: str = USER) -> tuple[Any, str | None]:
        """A command whose answer comes after its acknowledgement: the message it posted, and the
        command's response_url (where its buttons' results go)."""
        reply = await self.command(text, user=user)
        assert reply.status == 200 and reply.body == ""
        await self.settle()
        return self.last_message(), reply.response_url

    async def confirm(self, action_id: str, message: Any, response_url: str | None, *, user: str = USER) -> None:
        """Presses the button `action_id` of `message`, and waits for the work it starts."""
        await self.press(action_id, button(message.blocks, action_id)["value"], response_url=response_url, user=user)
        await self.settle()

    async def settle(self) -> None:
        """Wait until the app's work after the acknowledgement is done."""
        assert await self.runtime.drain.wait_idle(15.0)
        await self.standin.wait_quiet(0.05)

    def open_view(self) -> dict[str, Any]:
        view = self.standin.top_view()
        assert view is not None, "no modal is open"
        return view

    def last_message(self) -> Any:
        assert self.standin.messages, "no message was posted"
        return self.standin.messages[-1]


Stop = Callable[[], Coroutine[Any, Any, None]]


async def start_harness(
    sandbox: Sandbox,
    sandbox_url: str,
    stops: list[Stop],
    *,
    usergroups: dict[str, list[str]] | None = None,
    retry: RetryPolicy = FAST_RETRY,
    **settings: Any,
) -> Harness:
    """The app served on loopback, configured by `settings`, with its own Slack stand-in; what to
    stop afterwards is appended to `stops`."""
    standin = SlackStandIn(bot_token=BOT_TOKEN, usergroups=usergroups or {})
    standin_server = await start_standin(standin)
    stops.append(standin_server.stop)
    runtime = build_runtime(scenario_settings(sandbox_url, standin_server.api_url, **settings), retry=retry)
    server = await start_server(runtime)
    stops.append(server.stop)
    http = httpx.AsyncClient(timeout=30)
    stops.append(http.aclose)
    return Harness(server.url, http, standin, sandbox, runtime)
