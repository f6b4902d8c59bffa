"""Scenario harness: the app served over HTTP, signed requests as Slack sends them, the Slack
stand-in for the Web API and the Commerce Layer sandbox, all on loopback."""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr
from slack_sdk.signature import SignatureVerifier

from bot.console.standin import SlackStandIn
from bot.sandbox import DEMO, Sandbox
from bot.server import Runtime
from bot.settings import Settings

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

    def signed(self, body: str, *, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=ts, body=body)
        assert signature is not None
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> Reply:
        started = time.monotonic()
        response = await self.http.post(
            self.url + "/slack/events",
            content=body.encode(),
            headers={"Content-Type": content_type, **(headers if headers is not None else self.signed(body))},
        )
        reply = Reply(response.status_code, response.text, time.monotonic() - started)
        self.replies.append(reply)
        return reply

    async def command(self, text: str, *, user: str = USER, channel: str = CHANNEL) -> Reply:
        trigger_id = self.standin.new_trigger_id()
        response_url = self.standin.new_response_url(channel, user_id=user)
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "team_domain": "console",
            "channel_id": channel,
            "channel_name": "ops",
            "user_id": user,
            "user_name": "operator",
            "command": "/wallet",
            "text": text,
            "api_app_id": "A0CONSOLE",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
        reply = await self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")
        reply.trigger_id, reply.response_url = trigger_id, response_url
        return reply

    async def interact(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Reply:
        body = "payload=" + urllib.parse.quote(json.dumps(payload))
        return await self.post(body, "application/x-www-form-urlencoded", headers)

    async def press(
        self, action_id: str, value: str, *, response_url: str | None, user: str = USER, channel: str = CHANNEL
    ) -> Reply:
        return await self.interact(
            {
                "type": "block_actions",
                "user": {"id": user, "username": "operator", "team_id": TEAM},
                "team": {"id": TEAM, "domain": "console"},
                "api_app_id": "A0CONSOLE",
                "channel": {"id": channel, "name": "ops"},
                "container": {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": True},
                "trigger_id": self.standin.new_trigger_id(),
                "response_url": response_url,
                "actions": [
                    {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.2"}
                ],
            }
        )

    async def submit(self, view: dict[str, Any], values: dict[str, dict[str, str]], *, user: str = USER) -> Reply:
        """A view_submission; an `update` answer is applied to the open modal, as Slack does."""
        submitted_hash = self.standin.views.get(str(view.get("id")), {}).get("hash")
        reply = await self._submit(view, values, user)
        answer = reply.json() if reply.status == 200 else None
        if isinstance(answer, dict) and answer.get("response_action") == "update":
            self.standin.update_view_from_ack(str(view["id"]), answer["view"], submitted_hash=submitted_hash)
        return reply

    async def _submit(self, view: dict[str, Any], values: dict[str, dict[str, str]], user: str) -> Reply:
        state = {
            block: {action: {"type": "plain_text_input", "value": value} for action, value in actions.items()}
            for block, actions in values.items()
        }
        return await self.interact(
            {
                "type": "view_submission",
                "user": {"id": user, "username": "operator", "team_id": TEAM},
                "team": {"id": TEAM, "domain": "console"},
                "api_app_id": "A0CONSOLE",
                "trigger_id": self.standin.new_trigger_id(),
                "view": {**view, "state": {"values": state}},
            }
        )

    async def shortcut(self, callback_id: str = "wallet_save", *, user: str = USER) -> Reply:
        return await self.interact(
            {
                "type": "shortcut",
                "callback_id": callback_id,
                "user": {"id": user, "username": "operator", "team_id": TEAM},
                "team": {"id": TEAM, "domain": "console"},
                "api_app_id": "A0CONSOLE",
                "trigger_id": self.standin.new_trigger_id(),
                "action_ts": "1.1",
            }
        )

    async def settle(self) -> None:
        """Wait until the app's work after the acknowledgement is done."""
        assert await self.runtime.tracker.wait_idle(15.0)
        await self.standin.wait_quiet(0.05)

    def open_view(self) -> dict[str, Any]:
        view = self.standin.top_view()
        assert view is not None, "no modal is open"
        return view

    def last_message(self) -> Any:
        assert self.standin.messages, "no message was posted"
        return self.standin.messages[-1]
