"""The one way a listener answers Slack and then works. Every listener follows these rules:

1. A listener is `async def listener(request: Incoming, services: Services) -> Answer`, registered
   in `commands/table.py`. It reads the request and decides the answer; it calls neither Slack nor
   Commerce Layer (Slack wants the answer within 3 s, whatever Commerce Layer does).
2. Whatever talks to Slack or Commerce Layer goes in the answer's `then`. It starts once every Slack
   request already received has its answer (bot/slack/answers.py), and it is counted for the
   SIGTERM drain from the moment the answer is decided (bot/slack/drain.py).
3. A failure nobody planned for, in the listener or in its work, still gives the user a final word
   (`last_resort`); planned failures are answered by the listener itself.

Events API requests (`event` routes such as `app_home_opened`, and `function` routes: a Workflow
Builder custom step's `function_executed`) follow the same rules: the answer is an empty 200 at
once, and Slack retries an event it got no 200 for within 3 s, so their work must be safe to run
twice (a custom step marks its function_execution_id used once: commands/workflow/).

The one exception to rule 1: an `options` listener (the choices of an external select). Slack shows
only the choices its answer carries, so it reads them before answering, bounded well inside Slack's
3 s, never writes, and has no work.

The answer leaves as soon as the listener returns: Bolt runs with `process_before_response=True`,
so it neither polls for the acknowledgement nor copies the request for lazy listeners.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import structlog
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.answers import AnswersFirst
from bot.slack.drain import Drain
from bot.slack.responses import Reply
from bot.slack.services import Services

log = structlog.get_logger("slack")

Work = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Answer:
    """What the acknowledgement says (`ack`'s arguments: none for an empty 200), and the work after it."""

    body: dict[str, Any] = field(default_factory=dict)
    work: Work | None = None

    def then(self, work: Work) -> Answer:
        return replace(self, work=work)


def answer(**body: Any) -> Answer:
    return Answer(body)


def dig(payload: object, *path: str) -> str | None:
    """The string at `path` in nested dicts, or None: a missing or mistyped field is never a crash."""
    node = payload
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) else None


@dataclass(frozen=True)
class Incoming:
    """One Slack request as listeners read it: who, where, what they typed, and how to answer."""

    body: dict[str, Any]
    client: AsyncWebClient
    respond: Reply  # posts to the request's response_url, in the conversation it came from

    @property
    def user_id(self) -> str:
        return dig(self.body, "user_id") or dig(self.body, "user", "id") or dig(self.event, "user") or ""

    @property
    def team_id(self) -> str:
        return dig(self.body, "team_id") or dig(self.body, "team", "id") or dig(self.body, "user", "team_id") or ""

    @property
    def channel_id(self) -> str | None:
        return dig(self.body, "channel_id") or dig(self.body, "channel", "id")

    @property
    def trigger_id(self) -> str | None:
        return dig(self.body, "trigger_id")

    @property
    def response_url(self) -> str | None:
        return dig(self.body, "response_url")

    @property
    def words(self) -> list[str]:
        """A slash command's text, split on white space."""
        return (dig(self.body, "text") or "").split()

    @property
    def args(self) -> list[str]:
        """A `/wallet` command's arguments: the words after the sub-command's name."""
        return self.words[1:]

    @property
    def event(self) -> dict[str, Any]:
        """An Events API request's event (`app_home_opened`, `function_executed`); {} for the rest."""
        event = self.body.get("event")
        return event if isinstance(event, dict) else {}

    @property
    def view(self) -> dict[str, Any]:
        view = self.body.get("view")
        return view if isinstance(view, dict) else {}

    @property
    def view_id(self) -> str | None:
        return dig(self.view, "id")

    def input_value(self, block_id: str, action_id: str) -> str:
        """What the user typed in a modal input, or "" (Slack omits empty inputs)."""
        return dig(self.view, "state", "values", block_id, action_id, "value") or ""

    def selected_value(self, block_id: str, action_id: str) -> str:
        """The value of the option chosen in a modal's select, or "" when none is."""
        return dig(self.view, "state", "values", block_id, action_id, "selected_option", "value") or ""

    @property
    def typed(self) -> str:
        """What the user typed in an external select, asking for its options."""
        return dig(self.body, "value") or ""

    @property
    def message_text(self) -> str:
        """The text of the message a message shortcut was run on; when it has none, its blocks' texts."""
        message = self.body.get("message")
        if not isinstance(message, dict):
            return ""
        return dig(message, "text") or "\n".join(_texts_in(message.get("blocks")))

    @property
    def action_value(self) -> str | None:
        actions = self.body.get("actions")
        return dig(actions[0], "value") if isinstance(actions, list) and actions else None

    async def say(self, text: str, blocks: Sequence[Any] | None = None) -> None:
        """An ephemeral reply in the conversation the request came from."""
        await self.respond(text=text, blocks=blocks, response_type="ephemeral")


def _texts_in(node: object) -> Iterator[str]:
    """Block Kit's `text` strings in reading order: sections, fields, context, rich text's runs."""
    if isinstance(node, list):
        for item in node:
            yield from _texts_in(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _texts_in(value)


Listener = Callable[[Incoming, Services], Awaitable[Answer]]
Kind = Literal["command", "action", "view_submission", "shortcut", "options", "message_shortcut", "event", "function"]


@dataclass(frozen=True)
class Route:
    kind: Kind
    id: str
    listener: Listener


def register(app: AsyncApp, routes: Sequence[Route], services: Services, drain: Drain, answers: AnswersFirst) -> None:
    """Register `routes` in their order: Bolt tries listeners in the order they were registered."""
    for route in routes:
        on_request = _bolt_listener(route.listener, services, drain, answers)
        if route.kind == "function":
            # The listener acknowledges, as every other one does; Bolt then attaches the step's
            # function token to the request's client, for functions.completeSuccess/Error.
            app.function(route.id, auto_acknowledge=False)(on_request)
        else:
            getattr(app, route.kind)(route.id)(on_request)


def _bolt_listener(
    listener: Listener, services: Services, drain: Drain, answers: AnswersFirst
) -> Callable[[AsyncAck, dict[str, Any], AsyncWebClient], Awaitable[None]]:
    async def on_request(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        request = Incoming(body, client, services.responses.to(dig(body, "response_url")))
        try:
            decided = await listener(request, services)
        except Exception as error:
            await ack()
            drain.start(last_resort(error, request))
            return
        if decided.work is not None:
            drain.start(_after_answers(decided.work, request, answers))
        await ack(**decided.body)

    return on_request


async def _after_answers(work: Work, request: Incoming, answers: AnswersFirst) -> None:
    await answers.wait()
    try:
        await work()
    except Exception as error:
        await last_resort(error, request)


async def last_resort(error: BaseException, request: Incoming) -> None:
    """Something failed that nobody planned for: log it, and still give the user a final word."""
    request_id = structlog.contextvars.get_contextvars().get("request_id", "unknown")
    log.error("slack.listener_failed", error=type(error).__name__, exc_info=error)
    text = (
        f":x: Something went wrong inside Wallet bot (reference {request_id}). It is not known whether the last "
        "action completed. Running the same command again is safe: a save is finished, never repeated."
    )
    try:
        if request.view_id:
            modal = View(type="modal", title="Wallet bot", close="Close", blocks=[SectionBlock(text=text)])
            await request.client.views_update(view_id=request.view_id, view=modal)
        else:
            await request.say(text)
    except Exception as failure:  # the last resort must not raise in its turn
        log.error("slack.last_resort_failed", error=type(failure).__name__)
