"""A local stand-in for the Slack Web API and for response_urls, served over loopback HTTP.

The app talks to it exactly as it talks to Slack (slack_sdk's client with `base_url`, Bolt's
`respond()`), so tests and the console exercise the real HTTP path. It keeps Slack's rules that
bite in production: a trigger_id lives 3 s and is single-use, a response_url takes 5 posts within
30 minutes, views and messages are validated by slack_sdk's Block Kit models with Slack's limits,
and every method checks the bot token. Everything it receives is recorded for assertions.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

JSON = dict[str, Any]
Clock = Callable[[], float]

TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_TTL_SECONDS = 30 * 60.0
RESPONSE_URL_MAX_USES = 5
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_STACK = 3
MAX_TEXT_CHARS = 40_000
OAUTH_SCOPES = "commands,chat:write,usergroups:read,channels:read"

# Arguments that form-encoded callers send as JSON strings.
_JSON_ARGS = ("view", "blocks", "attachments", "metadata")
# The keys a caller may set on a view; the rest (id, hash, state...) belong to Slack.
_VIEW_INPUT_KEYS = (
    "type",
    "title",
    "blocks",
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
)


class SlackApiFailure(Exception):
    """An `ok: false` answer, with the `response_metadata.messages` Slack adds to some of them."""

    def __init__(self, error: str, messages: Sequence[str] = ()) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)

    def answer(self) -> JSON:
        body: JSON = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


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


@dataclass
class _Trigger:
    created: float
    used: bool = False


@dataclass
class _ResponseUrl:
    channel: str
    user: str | None
    created: float
    target_ts: str | None  # the message that replace_original/delete_original acts on
    uses: int = 0


@dataclass
class _Outcome:
    """What a handler produced besides its JSON answer, for the call record."""

    message: PostedMessage | None = None
    view: JSON | None = None


Handler = Callable[[JSON, _Outcome], JSON]


class SlackStandIn:
    """The state of a fake Slack workspace: triggers, response_urls, open modals, messages."""

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
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_acks: dict[str, JSON] = {}
        self._socket_changed = asyncio.Event()
        self.base_url: str | None = None
        self.calls: list[RecordedCall] = []
        self.messages: list[PostedMessage] = []
        self._views: dict[str, JSON] = {}
        self._stack: list[str] = []
        self._external_ids: dict[str, str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._ts_counter = 0
        self._last_call_at = time.monotonic()
        self._methods: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.info": self._conversations_info,
        }

    # ----- what tests and the console driver use

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
        return self._find_message(channel, ts)

    def channel_name(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id)

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
        self._response_urls[key] = _ResponseUrl(channel_id, user_id, self.clock(), message_ts)
        return f"{self.base_url}/response/{key}"

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
        message = self._add_message(channel, text, blocks, "ack", user=user if ephemeral else None)
        entry = self._response_urls.get(_response_key(response_url)) if response_url else None
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
        checked = _checked_view(view)
        current = self._views[view_id]
        if submitted_hash is not None and current["hash"] != submitted_hash:
            return {**checked, "id": view_id, "hash": current["hash"]}
        return self._store_view(view_id, checked, current)

    def push_view_from_ack(self, view: Any) -> JSON:
        """`response_action: push`: a new view on top of the open modal (3 views at most)."""
        return self._push(_checked_view(view))

    def close_top_view(self) -> None:
        """An empty ack to a submission, or the user's Cancel: the top view goes away."""
        if self._stack:
            self._forget(self._stack.pop())

    def close_modal(self) -> None:
        """`response_action: clear`: the whole modal goes away."""
        while self._stack:
            self.close_top_view()

    # ----- HTTP

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/response/{key}", self._handle_response_url)
        app.router.add_get("/socket", self._handle_socket)
        return app

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        outcome = _Outcome()
        try:
            args = _parse_args(request, raw)
            token = _bearer_token(request) or args.pop("token", None)
            answer = self._answer(method, token, args, outcome)
        except SlackApiFailure as failure:
            args, answer = {}, failure.answer()
        self._record(method, args, 200, answer, raw, outcome)
        headers = {"x-oauth-scopes": OAUTH_SCOPES} if answer.get("ok") else {}
        return web.json_response(answer, headers=headers)

    def _answer(self, method: str, token: str | None, args: JSON, outcome: _Outcome) -> JSON:
        try:
            if not token:
                raise SlackApiFailure("not_authed")
            if method == "apps.connections.open":
                return self._apps_connections_open(token)
            if not secrets.compare_digest(token, self.bot_token):
                raise SlackApiFailure("invalid_auth")
            handler = self._methods.get(method)
            if handler is None:
                raise SlackApiFailure("unknown_method")
            return handler(args, outcome)
        except SlackApiFailure as failure:
            return failure.answer()

    # ----- Socket Mode

    def _apps_connections_open(self, token: str) -> JSON:
        # Only an app-level token opens a connection (a bot token gets not_allowed_token_type).
        if not token.startswith("xapp-"):
            raise SlackApiFailure("not_allowed_token_type")
        if self.app_token is None or not secrets.compare_digest(token, self.app_token):
            raise SlackApiFailure("invalid_auth")
        assert self.base_url is not None
        return {"ok": True, "url": self.base_url.replace("http://", "ws://", 1) + "/socket"}

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": self.app_id}})
        self._sockets.append(ws)
        self._socket_changed.set()
        try:
            async for message in ws:
                data = json.loads(message.data) if message.type == web.WSMsgType.TEXT else None
                if isinstance(data, dict) and isinstance(data.get("envelope_id"), str):
                    self._socket_acks[data["envelope_id"]] = data
                    self._socket_changed.set()
        finally:
            self._sockets.remove(ws)
        return ws

    async def wait_for_socket(self, timeout: float = 10.0) -> None:
        """Until an app holds a Socket Mode connection."""
        async with asyncio.timeout(timeout):
            while not self._sockets:
                self._socket_changed.clear()
                await self._socket_changed.wait()

    async def send_envelope(self, kind: str, payload: JSON, timeout: float = 5.0) -> JSON:
        """Send one envelope (`slash_commands`, `interactive`) and return the app's acknowledgement."""
        envelope_id = secrets.token_hex(8)
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": True}
        await self._sockets[0].send_json(envelope)
        async with asyncio.timeout(timeout):
            while envelope_id not in self._socket_acks:
                self._socket_changed.clear()
                await self._socket_changed.wait()
        return self._socket_acks[envelope_id]

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        raw = await request.text()
        outcome = _Outcome()
        try:
            args = json.loads(raw) if raw else {}
            if not isinstance(args, dict):
                raise ValueError("not an object")
        except ValueError:
            status, answer, args = 400, "invalid_payload", {}
        else:
            status, answer = self._respond(request.match_info["key"], args, outcome)
        ok = status == 200
        self._record("response_url", args, status, {"ok": ok, "body": answer}, raw, outcome)
        return web.Response(status=status, text=answer)

    def _record(self, method: str, args: JSON, status: int, answer: JSON, raw: str, outcome: _Outcome) -> None:
        ok = bool(answer.get("ok"))
        error = None if ok else str(answer.get("error") or answer.get("body"))
        call = RecordedCall(method, args, status, ok, error, raw, self.clock(), answer, outcome.message, outcome.view)
        self.calls.append(call)
        self._last_call_at = time.monotonic()

    # ----- Web API methods

    def _auth_test(self, args: JSON, outcome: _Outcome) -> JSON:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": "wallet_bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _views_open(self, args: JSON, outcome: _Outcome) -> JSON:
        self._use_trigger(args.get("trigger_id"))
        view = _checked_view(args.get("view"))
        self._check_external_id(view.get("external_id"))
        for view_id in list(self._stack):  # a new modal replaces whatever modal was open
            self._forget(view_id)
        self._stack.clear()
        outcome.view = self._push(view)
        return {"ok": True, "view": outcome.view}

    def _views_push(self, args: JSON, outcome: _Outcome) -> JSON:
        self._use_trigger(args.get("trigger_id"))
        view = _checked_view(args.get("view"))
        if not self._stack:
            raise SlackApiFailure("not_found")
        self._check_external_id(view.get("external_id"))
        outcome.view = self._push(view)
        return {"ok": True, "view": outcome.view}

    def _views_update(self, args: JSON, outcome: _Outcome) -> JSON:
        if not args.get("view_id") and not args.get("external_id"):
            raise SlackApiFailure("invalid_arguments", ["[ERROR] either view_id or external_id is required"])
        view_id = args.get("view_id") or self._external_ids.get(str(args["external_id"]), "")
        current = self._views.get(str(view_id))
        if current is None:
            raise SlackApiFailure("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackApiFailure("hash_conflict")
        outcome.view = self._store_view(current["id"], _checked_view(args.get("view")), current)
        return {"ok": True, "view": outcome.view}

    def _chat_post_message(self, args: JSON, outcome: _Outcome) -> JSON:
        channel = _required_channel(args)
        text, blocks = _checked_message(args)
        outcome.message = self._add_message(channel, text, blocks, "chat.postMessage")
        return {"ok": True, "channel": channel, "ts": outcome.message.ts, "message": self._wire(outcome)}

    def _chat_post_ephemeral(self, args: JSON, outcome: _Outcome) -> JSON:
        channel = _required_channel(args)
        if not args.get("user"):
            raise SlackApiFailure("user_not_found")
        text, blocks = _checked_message(args)
        message = self._add_message(channel, text, blocks, "chat.postEphemeral", user=str(args["user"]))
        outcome.message = message
        return {"ok": True, "message_ts": message.ts}

    def _chat_update(self, args: JSON, outcome: _Outcome) -> JSON:
        channel = _required_channel(args)
        original = self._find_message(channel, str(args.get("ts") or ""))
        if original is None:
            raise SlackApiFailure("message_not_found")
        if original.ephemeral:  # Slack: ephemeral messages change only through their response_url
            raise SlackApiFailure("cant_update_message")
        text, blocks = _checked_message(args)
        outcome.message = self._add_message(channel, text, blocks, "chat.update", ts=original.ts, replaces=original.ts)
        return {"ok": True, "channel": channel, "ts": original.ts, "text": text, "message": self._wire(outcome)}

    def _usergroups_users_list(self, args: JSON, outcome: _Outcome) -> JSON:
        group = args.get("usergroup")
        if not group:
            raise SlackApiFailure("invalid_arguments", ["[ERROR] missing required field: usergroup"])
        if group not in self.usergroups:
            raise SlackApiFailure("no_such_subteam")
        return {"ok": True, "users": list(self.usergroups[group])}

    def _conversations_info(self, args: JSON, outcome: _Outcome) -> JSON:
        channel = _required_channel(args)
        name = self.channel_name(channel)
        info = {"id": channel, "name": name, "is_channel": True, "is_private": False, "is_member": True}
        return {"ok": True, "channel": info}

    # ----- response_url

    def _respond(self, key: str, args: JSON, outcome: _Outcome) -> tuple[int, str]:
        entry = self._response_urls.get(key)
        if entry is None:
            return 404, "no_such_url"
        if self.clock() - entry.created > RESPONSE_URL_TTL_SECONDS:
            return 404, "expired_url"
        if entry.uses >= RESPONSE_URL_MAX_USES:
            return 404, "used_url"
        if args.get("delete_original"):
            entry.uses += 1
            outcome.message = self._delete_via(entry)
            return 200, "ok"
        try:
            text, blocks = _checked_message(args)
        except SlackApiFailure as failure:
            return 400, failure.error
        entry.uses += 1
        outcome.message = self._post_via(entry, args, text, blocks)
        return 200, "ok"

    def _post_via(self, entry: _ResponseUrl, args: JSON, text: str, blocks: list[JSON]) -> PostedMessage:
        original = self._find_message(entry.channel, entry.target_ts or "")
        if args.get("replace_original") and original is not None:
            # A replaced message keeps its place and its visibility, whatever response_type says.
            return self._add_message(
                original.channel, text, blocks, "response_url", user=original.user, ts=original.ts, replaces=original.ts
            )
        ephemeral = args.get("response_type") != "in_channel"
        user = entry.user if ephemeral else None
        message = self._add_message(entry.channel, text, blocks, "response_url", user=user)
        entry.target_ts = message.ts
        return message

    def _delete_via(self, entry: _ResponseUrl) -> PostedMessage | None:
        original = self._find_message(entry.channel, entry.target_ts or "")
        if original is None:
            return None
        return self._add_message(
            original.channel,
            "",
            [],
            "response_url",
            user=original.user,
            ts=original.ts,
            replaces=original.ts,
            deleted=True,
        )

    # ----- internals

    def _use_trigger(self, trigger_id: Any) -> None:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None:
            raise SlackApiFailure("invalid_trigger_id")
        if trigger.used:
            raise SlackApiFailure("exchanged_trigger_id")
        if self.clock() - trigger.created > TRIGGER_TTL_SECONDS:
            raise SlackApiFailure("expired_trigger_id")
        trigger.used = True

    def _check_external_id(self, external_id: Any) -> None:
        if external_id and external_id in self._external_ids:
            raise SlackApiFailure("duplicate_external_id")

    def _push(self, view: JSON) -> JSON:
        if len(self._stack) >= MAX_VIEW_STACK:
            raise SlackApiFailure("push_limit_reached")
        view_id = "V" + secrets.token_hex(5).upper()
        previous = self._stack[-1] if self._stack else None
        root = self._stack[0] if self._stack else view_id
        identity = {"id": view_id, "root_view_id": root, "previous_view_id": previous}
        stored = self._store_view(view_id, view, identity)
        self._stack.append(view_id)
        return stored

    def _store_view(self, view_id: str, view: JSON, current: Mapping[str, Any]) -> JSON:
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

    def _forget(self, view_id: str) -> None:
        view = self._views.pop(view_id, None)
        if view and view.get("external_id"):
            self._external_ids.pop(view["external_id"], None)

    def _add_message(
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

    def _find_message(self, channel: str, ts: str) -> PostedMessage | None:
        """The current version of a message, or None if it never existed or was deleted."""
        for message in reversed(self.messages):
            if message.channel == channel and message.ts == ts:
                return None if message.deleted else message
        return None

    def _next_ts(self) -> str:
        self._ts_counter += 1
        return f"{int(time.time())}.{self._ts_counter:06d}"

    def _wire(self, outcome: _Outcome) -> JSON:
        """A message as the Web API returns it."""
        message = outcome.message
        assert message is not None
        return {
            "type": "message",
            "text": message.text,
            "blocks": message.blocks,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "ts": message.ts,
            "team": self.team_id,
        }


# ----- request parsing and validation (pure)


def _parse_args(request: web.Request, raw: str) -> JSON:
    """Query string, then a JSON or form body, as Slack accepts all three."""
    args: JSON = dict(request.query)
    content_type = request.content_type
    if content_type == "application/json" and raw:
        body = _loads(raw, "invalid_json")
        if not isinstance(body, dict):
            raise SlackApiFailure("invalid_json")
        args.update(body)
    elif content_type == "application/x-www-form-urlencoded" and raw:
        args.update(parse_qsl(raw, keep_blank_values=True))
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str) and args[key]:
            args[key] = _loads(args[key], "invalid_arguments")
    return args


def _loads(text: str, error: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise SlackApiFailure(error) from None


def _bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _response_key(response_url: str) -> str:
    return response_url.rstrip("/").rsplit("/", 1)[-1]


def _required_channel(args: JSON) -> str:
    channel = args.get("channel")
    if not channel or not isinstance(channel, str):
        raise SlackApiFailure("channel_not_found")
    return channel


def _checked_message(args: Mapping[str, Any]) -> tuple[str, list[JSON]]:
    """Text and blocks of a message, refused as Slack does: no_text, msg_too_long, invalid_blocks."""
    text = args.get("text") or ""
    blocks = args.get("blocks") or []
    if not isinstance(text, str):
        raise SlackApiFailure("invalid_arguments", ["[ERROR] text must be a string [json-pointer:/text]"])
    if not text and not blocks:
        raise SlackApiFailure("no_text")
    if len(text) > MAX_TEXT_CHARS:
        raise SlackApiFailure("msg_too_long")
    problems = block_problems(blocks, MAX_MESSAGE_BLOCKS)
    if problems:
        raise SlackApiFailure("invalid_blocks", problems)
    return text, list(blocks)


def _checked_view(view: Any) -> JSON:
    problems = view_problems(view)
    if problems:
        raise SlackApiFailure("invalid_arguments", problems)
    assert isinstance(view, dict)
    return {key: view[key] for key in _VIEW_INPUT_KEYS if key in view}


def view_problems(view: Any) -> list[str]:
    """Slack's checks on a modal view, as `response_metadata.messages` lines; empty when valid."""
    if not isinstance(view, dict):
        return ["[ERROR] missing required field: view [json-pointer:/view]"]
    if view.get("type") != "modal":
        return ["[ERROR] must be 'modal' [json-pointer:/view/type]"]
    fields = {key: view[key] for key in _VIEW_INPUT_KEYS if key in view}
    problems: list[str] = []
    try:
        # validate_json checks the view's own limits (title, block count, metadata, callback_id).
        View(**fields).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError) as error:
        problems.append(f"[ERROR] {error} [json-pointer:/view]")
    blocks = view.get("blocks") or []
    problems += block_problems(blocks, 100, "/view/blocks")
    has_input = isinstance(blocks, list) and any(_is_input(block) for block in blocks)
    if has_input and not view.get("submit"):
        problems.append("[ERROR] must define `submit` to use input block [json-pointer:/view]")
    return problems


def block_problems(blocks: Any, limit: int, pointer: str = "/blocks") -> list[str]:
    """Each block parsed and validated by slack_sdk's models (which carry Slack's limits)."""
    if not isinstance(blocks, list):
        return [f"[ERROR] expected an array [json-pointer:{pointer}]"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, raw in enumerate(blocks):
        problem = _block_problem(raw)
        if problem:
            problems.append(f"[ERROR] {problem} [json-pointer:{pointer}/{index}]")
    return problems


def _block_problem(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return "expected an object"
    try:
        block = Block.parse(raw)
        if block is None:
            return f"unsupported block type: {raw.get('type')!r}"
        block.to_dict()  # to_dict validates the block and everything nested in it
    except SlackObjectFormationError as error:
        return str(error)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        return f"invalid block: {error}"
    return None


def with_ids(blocks: Sequence[JSON]) -> list[JSON]:
    """Copies of the blocks with the block_id / action_id that Slack generates when they are left out."""
    stamped = []
    for block in blocks:
        copy = dict(block)
        copy.setdefault("block_id", secrets.token_urlsafe(4))
        if isinstance(copy.get("element"), dict):
            copy["element"] = _with_action_id(copy["element"])
        if isinstance(copy.get("accessory"), dict):
            copy["accessory"] = _with_action_id(copy["accessory"])
        if copy.get("type") == "actions" and isinstance(copy.get("elements"), list):
            copy["elements"] = [_with_action_id(item) for item in copy["elements"]]
        stamped.append(copy)
    return stamped


def _with_action_id(element: JSON) -> JSON:
    if element.get("type") in ("image", "plain_text", "mrkdwn"):
        return element
    return {"action_id": secrets.token_urlsafe(4), **element}


def _is_input(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "input"


# ----- serving


@dataclass
class StandInServer:
    """The running HTTP server; `api_url` is what the app's SLACK_API_URL should be."""

    standin: SlackStandIn
    runner: web.AppRunner
    base_url: str
    api_url: str = field(init=False)

    def __post_init__(self) -> None:
        self.api_url = f"{self.base_url}/api/"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_standin(standin: SlackStandIn, host: str = "127.0.0.1", port: int = 0) -> StandInServer:
    """Serve the stand-in in the running event loop; port 0 picks a free port."""
    # Binding the socket ourselves tells us which port 0 picked.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    runner = web.AppRunner(standin.web_app(), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    base_url = f"http://{host}:{sock.getsockname()[1]}"
    standin.base_url = base_url
    return StandInServer(standin, runner, base_url)
