"""The state of a fake Slack workspace: messages, open modals, triggers, response_urls, and every call received."""

from __future__ import annotations

import asyncio
import math
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.standin.blockkit import checked_view, with_ids
from bot.standin.errors import SlackApiFailure
from bot.standin.files import FileStore
from bot.standin.payloads import JSON
from bot.standin.socket_mode import SocketMode

Clock = Callable[[], float]

TRIGGER_TTL_SECONDS = 3.0
MAX_VIEW_STACK = 3
# Methods whose rate-limit tier the stand-in enforces: (calls, per seconds), per workspace.
# chat.update is Tier 3 (https://api.slack.com/methods/chat.update), views.publish Tier 4 ("100+").
TIERS: dict[str, tuple[int, float]] = {"chat.update": (50, 60.0), "views.publish": (100, 60.0)}


@dataclass(frozen=True)
class PostedMessage:
    """One message event as a Slack client would see it, in arrival order."""

    channel: str
    text: str
    blocks: list[JSON]
    ts: str
    via: str  # "chat.postMessage", "chat.postEphemeral", "chat.update", "response_url" or "ack"
    user: str | None = None  # set for an ephemeral message: the only user who sees it
    replaces: str | None = None  # ts of the message this one replaces (replace_original, chat.update)
    deleted: bool = False  # delete_original: `replaces` names the message that disappeared

    @property
    def ephemeral(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in answered, with what it produced."""

    method: str  # Web API method name, or "response_url"
    args: JSON
    status: int
    ok: bool
    error: str | None
    body: str  # the raw request body as received
    at: float  # the stand-in's clock when it arrived
    response: JSON
    message: PostedMessage | None = None
    view: JSON | None = None
    response_url: str | None = None  # the response_url posted to, for a "response_url" call


CallObserver = Callable[[RecordedCall], None]


@dataclass
class Outcome:
    """What answering a call produced besides its JSON answer, for the call's record."""

    message: PostedMessage | None = None
    view: JSON | None = None
    token: str = ""  # the caller's token, for the methods that accept more than the bot's


@dataclass
class StepExecution:
    """One run of a custom step: what Slack sent the app, and how the app completed it."""

    function_execution_id: str
    token: str  # the just-in-time token Slack puts in the event (`bot_access_token`)
    outputs_declared: tuple[str, ...]
    completions: list[JSON]  # every accepted completion: {"outputs": …} or {"error": …}; Slack takes one


@dataclass
class _Trigger:
    created: float
    used: bool = False


@dataclass
class _RateLimit:
    """How many more calls to a method are refused as over Slack's rate limit, and the wait each is told."""

    calls_left: int
    retry_after: int


@dataclass
class ResponseUrlEntry:
    """One response_url Slack handed out: where its posts go, and how much of its life is left."""

    channel: str
    user: str | None
    created: float
    target_ts: str | None  # the message that replace_original/delete_original acts on
    uses: int = 0


class SlackStandIn:
    """A fake Slack workspace: what the app has posted and opened, and what Slack handed out.

    Tests and the console read it and hand out triggers and response_urls (the first group of
    methods); the Web API methods and response_url posts change it (the second group).
    """

    def __init__(
        self,
        bot_token: str,
        team_id: str = "T0CONSOLE",
        bot_user_id: str = "U0BOT",
        usergroups: Mapping[str, Sequence[str]] | None = None,
        *,
        bot_id: str = "B0BOT",
        app_id: str = "A0CONSOLE",
        team_name: str = "Console",
        team_domain: str = "console",
        channels: Mapping[str, str] | None = None,
        clock: Clock = time.monotonic,
        app_token: str | None = None,
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.usergroups = {group: list(users) for group, users in (usergroups or {}).items()}
        self.channels = dict(channels or {"C0CONSOLE": "console"})
        self.clock = clock
        # Socket Mode: an app-level token opens a WebSocket over which Slack sends envelopes.
        self.app_token = app_token
        self.socket_mode = SocketMode(app_id)
        self.base_url: str | None = None  # set by start_standin
        self.calls: list[RecordedCall] = []
        self.messages: list[PostedMessage] = []
        self._observers: list[CallObserver] = []
        self._views: dict[str, JSON] = {}
        self._stack: list[str] = []
        self._external_ids: dict[str, str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, ResponseUrlEntry] = {}
        self._rate_limits: dict[str, _RateLimit] = {}
        self._homes: dict[str, JSON] = {}
        self._tier_calls: dict[str, list[float]] = {}
        self.executions: dict[str, StepExecution] = {}
        self.files = FileStore()
        self._ts_counter = 0
        self._last_call_at = time.monotonic()

    # ----- what tests, the console and the bench use

    @property
    def views(self) -> dict[str, JSON]:
        """The current version of every open view, by view id."""
        return dict(self._views)

    @property
    def modal_stack(self) -> list[JSON]:
        """The open modal's views, root first; the last one is what the user sees."""
        return [self._views[view_id] for view_id in self._stack]

    def top_view(self) -> JSON | None:
        return self._views[self._stack[-1]] if self._stack else None

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def current_message(self, channel: str, ts: str) -> PostedMessage | None:
        """The latest version of a message, or None if it was deleted or never posted."""
        for message in reversed(self.messages):
            if message.channel == channel and message.ts == ts:
                return None if message.deleted else message
        return None

    def channel_name(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id)

    def home_view(self, user_id: str) -> JSON | None:
        """The Home tab the app last published for `user_id`, as Slack stores it (with id and hash)."""
        return self._homes.get(user_id)

    def start_step(self, outputs: Sequence[str]) -> StepExecution:
        """A workflow reached the app's custom step: the execution id and token its event carries."""
        execution = StepExecution(
            "Fx" + secrets.token_hex(5).upper(), "xwfp-" + secrets.token_hex(12), tuple(outputs), []
        )
        self.executions[execution.function_execution_id] = execution
        return execution

    def observe(self, observer: CallObserver) -> None:
        """Call `observer` with every call the stand-in answers, as soon as it is recorded."""
        self._observers.append(observer)

    def new_trigger_id(self) -> str:
        """A trigger_id as Slack puts in a command or interaction: 3 s to live, one use."""
        trigger_id = f"{int(time.time())}.{len(self._triggers) + 1}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = _Trigger(created=self.clock())
        return trigger_id

    def new_response_url(self, channel_id: str, *, user_id: str | None = None, message_ts: str | None = None) -> str:
        """A response_url: 5 posts within 30 minutes. `message_ts` is the message a button sat on."""
        if self.base_url is None:
            raise RuntimeError("start the stand-in (start_standin) before asking for a response_url")
        key = secrets.token_urlsafe(18)
        self._response_urls[key] = ResponseUrlEntry(channel_id, user_id, self.clock(), message_ts)
        return self.response_url(key)

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls to `method` are refused as Slack refuses a caller over a method's rate
        limit: HTTP 429, a Retry-After header of `retry_after` seconds, `{"ok": false, "error": "ratelimited"}`."""
        if times < 1 or retry_after < 0:
            raise ValueError("rate_limit needs times >= 1 and retry_after >= 0")
        self._rate_limits[method] = _RateLimit(times, retry_after)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Poll until `count` calls to `method` arrived; TimeoutError says what did arrive."""
        deadline = time.monotonic() + timeout
        while len(self.calls_to(method)) < count:
            if time.monotonic() > deadline:
                seen = [call.method for call in self.calls]
                raise TimeoutError(f"expected {count} x {method} within {timeout} s; received {seen}")
            await asyncio.sleep(0.01)
        return self.calls_to(method)

    async def wait_quiet(self, quiet: float = 0.1, timeout: float = 10.0) -> None:
        """Return once no request arrived for `quiet` seconds: the app's background work is over."""
        start = time.monotonic()
        while True:
            now = time.monotonic()
            if now - max(self._last_call_at, start) >= quiet or now - start > timeout:
                return
            await asyncio.sleep(quiet / 5)

    async def wait_for_socket(self, timeout: float = 10.0) -> None:
        """Until an app holds a Socket Mode connection."""
        await self.socket_mode.wait_for_connection(timeout)

    async def send_envelope(self, kind: str, payload: JSON, timeout: float = 5.0) -> JSON:
        """Send one envelope (`slash_commands`, `interactive`) and return the app's acknowledgement."""
        return await self.socket_mode.send_envelope(kind, payload, timeout)

    def record_ack_message(
        self,
        *,
        channel: str,
        user: str,
        text: str,
        blocks: list[JSON],
        response_type: str | None,
        response_url: str | None,
    ) -> PostedMessage:
        """A message a slash command's ack carried: Slack shows it, and replace_original acts on it."""
        ephemeral = response_type != "in_channel"
        message = self.add_message(channel, text, blocks, "ack", user=user if ephemeral else None)
        entry = self._response_urls.get(response_url_key(response_url)) if response_url else None
        if entry is not None:
            entry.target_ts = message.ts
        return message

    def update_view_from_ack(self, view_id: str, view: Any, *, submitted_hash: str | None = None) -> JSON:
        """`response_action: update`: Slack replaces the view in place, with a new hash.

        Slack applies the answer before any later `views.update`. A client reading the answer may be
        later than the app's own next update (the app goes on working after it answers); given the
        hash the submission was made with, a view that changed since keeps the app's newer update.
        """
        if view_id not in self._views:
            raise SlackApiFailure("not_found")
        checked = checked_view(view)
        current = self._views[view_id]
        if submitted_hash is not None and current["hash"] != submitted_hash:
            return {**checked, "id": view_id, "hash": current["hash"]}
        return self.store_view(view_id, checked, current)

    def push_view_from_ack(self, view: Any) -> JSON:
        """`response_action: push`: a new view on top of the open modal (3 views at most)."""
        return self.push_view(checked_view(view))

    def close_top_view(self) -> None:
        """An empty ack to a submission, or the user's Cancel: the top view goes away."""
        if self._stack:
            self._forget(self._stack.pop())

    def close_modal(self) -> None:
        """`response_action: clear`, or a new modal opening: the whole modal goes away."""
        while self._stack:
            self.close_top_view()

    # ----- what the Web API methods and response_url posts change

    def record(
        self,
        method: str,
        args: JSON,
        status: int,
        answer: JSON,
        raw: str,
        outcome: Outcome,
        response_url: str | None = None,
    ) -> None:
        ok = bool(answer.get("ok"))
        error = None if ok else str(answer.get("error") or answer.get("body"))
        call = RecordedCall(
            method, args, status, ok, error, raw, self.clock(), answer, outcome.message, outcome.view, response_url
        )
        self.calls.append(call)
        self._last_call_at = time.monotonic()
        for observer in self._observers:
            observer(call)

    def take_rate_limit(self, method: str) -> int | None:
        """The Retry-After seconds if this call to `method` is refused as rate limited, None if it is answered."""
        limit = self._rate_limits.get(method)
        if limit is None:
            return self._over_tier(method)
        limit.calls_left -= 1
        if limit.calls_left == 0:
            del self._rate_limits[method]
        return limit.retry_after

    def publish_home(self, user_id: str, view: JSON, expected_hash: Any) -> JSON:
        """views.publish: the user's Home tab replaced, unless `expected_hash` is stale or the tier is spent."""
        current = self._homes.get(user_id)
        if expected_hash and current is not None and expected_hash != current["hash"]:
            raise SlackApiFailure("hash_conflict")
        identity = current or {"id": "V" + secrets.token_hex(5).upper()}
        # Kept with the open views (views.update may change it, its buttons are pressed in it), never on the modal stack.
        stored = self.store_view(str(identity["id"]), view, identity)
        self._homes[user_id] = stored
        return stored

    def complete_step(self, execution_id: Any, token: str, completion: JSON) -> None:
        """functions.completeSuccess / completeError: one completion per execution, with its own token or the bot's."""
        execution = self.executions.get(str(execution_id or ""))
        if execution is None or token not in (execution.token, self.bot_token):
            raise SlackApiFailure("function_execution_not_found")
        if execution.completions:
            raise SlackApiFailure("execution_not_in_running_state")
        outputs = completion.get("outputs")
        if isinstance(outputs, dict) and set(outputs) != set(execution.outputs_declared):
            raise SlackApiFailure(
                "parameter_validation_failed",
                [f"[ERROR] outputs must be exactly {sorted(execution.outputs_declared)}, got {sorted(outputs)}"],
            )
        execution.completions.append(completion)

    def _over_tier(self, method: str) -> int | None:
        """Retry-After for a call over its method's tier (TIERS); the call is counted otherwise."""
        if method not in TIERS:
            return None
        calls, per = TIERS[method]
        now = self.clock()
        window = [at for at in self._tier_calls.get(method, []) if at + per > now]  # as Retry-After counts
        self._tier_calls[method] = window
        if len(window) >= calls:
            return max(1, math.ceil(window[0] + per - now))
        window.append(now)
        return None

    def use_trigger(self, trigger_id: Any) -> None:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None:
            raise SlackApiFailure("invalid_trigger_id")
        if trigger.used:
            raise SlackApiFailure("exchanged_trigger_id")
        if self.clock() - trigger.created > TRIGGER_TTL_SECONDS:
            raise SlackApiFailure("expired_trigger_id")
        trigger.used = True

    def check_external_id(self, external_id: Any) -> None:
        if external_id and external_id in self._external_ids:
            raise SlackApiFailure("duplicate_external_id")

    def find_view(self, view_id: str | None = None, *, external_id: str | None = None) -> JSON | None:
        """An open view by its id, or by the external_id the app gave it."""
        if not view_id and external_id:
            view_id = self._external_ids.get(external_id)
        return self._views.get(view_id or "")

    def push_view(self, view: JSON) -> JSON:
        if len(self._stack) >= MAX_VIEW_STACK:
            raise SlackApiFailure("push_limit_reached")
        view_id = "V" + secrets.token_hex(5).upper()
        previous = self._stack[-1] if self._stack else None
        root = self._stack[0] if self._stack else view_id
        identity = {"id": view_id, "root_view_id": root, "previous_view_id": previous}
        stored = self.store_view(view_id, view, identity)
        self._stack.append(view_id)
        return stored

    def store_view(self, view_id: str, view: JSON, current: Mapping[str, Any]) -> JSON:
        """Slack's view shape: the caller's fields plus id, hash and state; a new hash every time."""
        stored: JSON = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view.get("type", "modal"),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", current.get("external_id", "")),
            "state": current.get("state") or {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "root_view_id": current.get("root_view_id", view_id),
            "previous_view_id": current.get("previous_view_id"),
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "title": view.get("title"),
            "blocks": with_ids(view.get("blocks", [])),
        }
        self._views[view_id] = stored
        if stored["external_id"]:
            self._external_ids[stored["external_id"]] = view_id
        return stored

    def add_message(
        self,
        channel: str,
        text: str,
        blocks: list[JSON],
        via: str,
        *,
        user: str | None = None,
        ts: str | None = None,
        replaces: str | None = None,
        deleted: bool = False,
    ) -> PostedMessage:
        stamped = with_ids(blocks)
        message = PostedMessage(channel, text, stamped, ts or self._next_ts(), via, user, replaces, deleted)
        self.messages.append(message)
        return message

    def wire_message(self, message: PostedMessage) -> JSON:
        """A message as the Web API returns it."""
        return {
            "type": "message",
            "text": message.text,
            "blocks": message.blocks,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "ts": message.ts,
            "team": self.team_id,
        }

    def response_url_entry(self, key: str) -> ResponseUrlEntry | None:
        return self._response_urls.get(key)

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/response/{key}"

    def _forget(self, view_id: str) -> None:
        view = self._views.pop(view_id, None)
        if view and view.get("external_id"):
            self._external_ids.pop(view["external_id"], None)

    def _next_ts(self) -> str:
        self._ts_counter += 1
        return f"{int(time.time())}.{self._ts_counter:06d}"


def response_url_key(response_url: str) -> str:
    """The part of a response_url that names it."""
    return response_url.rstrip("/").rsplit("/", 1)[-1]
