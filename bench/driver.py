"""Slack's side of the bench: signed requests as Slack sends them, and the Web API stand-in that
records when the app's calls arrive, on this process's monotonic clock."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.standin import RecordedCall, SlackStandIn
from bot.standin.payloads import JSON, Who, button_press, interaction, signed_headers, slash_command, view_submission
from commands.plumbing.modal import FormMeta
from commands.save.views import CARD_ACTION, CARD_BLOCK, CONFIRM_ACTION, SAVE_FORM

BOT_TOKEN = "xoxb-1111-2222-bench-bot-token"
SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
TEAM = "T0CONSOLE"
CHANNEL = "C0CONSOLE"
USER = "U0BENCH"
# One TLS context for every client: each would load the CA bundle again (20 ms apiece), though
# the bench speaks plain HTTP on loopback.
TLS = httpx.create_ssl_context()


def _who(user: str) -> Who:
    return Who(user_id=user, team_id=TEAM, channel_id=CHANNEL, team_domain="bench", channel_name="bench")


@dataclass(frozen=True)
class Post:
    """One post to a response_url, with the stand-in's clock when it was answered."""

    at: float
    args: JSON

    @property
    def text(self) -> str:
        return str(self.args.get("text") or "")

    @property
    def is_interim(self) -> bool:
        # "Saving the card…", "Looking up…": the steps before a result.
        return self.text.startswith(":hourglass")


class TimedStandIn(SlackStandIn):
    """The stand-in, plus the response_url posts grouped by URL, for timing a result against its request."""

    def __init__(self) -> None:
        super().__init__(BOT_TOKEN, channels={CHANNEL: "bench"})
        self.posts: dict[str, list[Post]] = defaultdict(list)
        self._waiters: dict[str, list[asyncio.Future[None]]] = defaultdict(list)
        self.observe(self._on_call)

    def _on_call(self, call: RecordedCall) -> None:
        url = call.response_url
        if url is None:
            return
        self.posts[url].append(Post(call.at, call.args))
        for waiter in self._waiters.pop(url, []):
            if not waiter.done():
                waiter.set_result(None)

    async def wait_post(self, url: str, accept: Callable[[Post], bool], timeout: float) -> Post:
        """The first post to `url` that `accept` takes; TimeoutError if none arrives in time."""
        deadline = time.monotonic() + timeout
        while True:
            for post in self.posts.get(url, []):
                if accept(post):
                    return post
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching post to a response_url within {timeout} s")
            waiter = asyncio.get_running_loop().create_future()
            self._waiters[url].append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)

    def views_open_at(self) -> dict[str, float]:
        """When each trigger_id's views.open was answered."""
        return {str(call.args.get("trigger_id")): call.at for call in self.calls_to("views.open")}

    def forget(self) -> None:
        """Drop what earlier bursts left: the stand-in's lookups scan its message list."""
        self.calls.clear()
        self.messages.clear()
        self.posts.clear()


@dataclass(frozen=True)
class Request:
    """A signed request, built before the burst so that the timed part is only the sending."""

    body: bytes
    headers: dict[str, str]
    response_url: str | None = None
    trigger_id: str | None = None
    order: str = ""


@dataclass(frozen=True)
class Sent:
    request: Request
    status: int
    text: str
    started: float  # time.monotonic(), same clock as the stand-in's
    acked: float

    @property
    def latency(self) -> float:
        return self.acked - self.started

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


def _form(body: str) -> Request:
    return Request(body.encode(), signed_headers(SIGNING_SECRET, body))


class RawConnection:
    """One keep-alive HTTP/1.1 connection to the app, written and read as bytes."""

    def __init__(self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._host = host
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, url: str) -> RawConnection:
        parts = urllib.parse.urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        connection = cls(parts.netloc, reader, writer)
        status, _ = await connection.exchange(b"GET /healthz HTTP/1.1\r\nHost: " + parts.netloc.encode() + b"\r\n\r\n")
        assert status == 200, "the app is not answering /healthz"
        return connection

    async def send(self, request: Request) -> Sent:
        head = "".join(f"{name}: {value}\r\n" for name, value in request.headers.items())
        raw = (
            f"POST /slack/events HTTP/1.1\r\nHost: {self._host}\r\nContent-Length: {len(request.body)}\r\n{head}\r\n"
        ).encode() + request.body
        started = time.monotonic()
        status, body = await self.exchange(raw)
        acked = time.monotonic()
        return Sent(request, status, body.decode(), started, acked)

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int({name.lower(): value for name, value in headers.items()}.get("content-length", "0"))
        return status, await self._reader.readexactly(length)

    def close(self) -> None:
        self._writer.close()


@dataclass
class Slack:
    """Sends what Slack sends to the app at `server_url`."""

    server_url: str
    standin: TimedStandIn
    # For the few requests outside bursts (health checks); bursts use raw connections (burst()).
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=30.0, verify=TLS))
    # Called once a burst's connections are open, before anything is sent on them (bench/scaleout.py
    # reads there which process or worker took each).
    on_connected: Callable[[], None] | None = None

    async def aclose(self) -> None:
        await self.http.aclose()

    def command(self, text: str, *, user: str = USER) -> Request:
        trigger_id = self.standin.new_trigger_id()
        response_url = self.standin.new_response_url(CHANNEL, user_id=user)
        request = _form(slash_command(_who(user), text, response_url=response_url, trigger_id=trigger_id))
        return Request(request.body, request.headers, response_url, trigger_id, text.split()[1])

    def confirm(self, value: str, response_url: str, *, user: str = USER) -> Request:
        trigger_id = self.standin.new_trigger_id()
        payload = button_press(_who(user), CONFIRM_ACTION, value, trigger_id=trigger_id, response_url=response_url)
        request = _form(interaction(payload))
        return Request(request.body, request.headers, response_url)

    def submit_card(self, order_id: str, pm_id: str, *, user: str = USER) -> Request:
        """The save modal's submission, as Slack sends it after the form was filled for `order_id`."""
        response_url = self.standin.new_response_url(CHANNEL, user_id=user)
        metadata = FormMeta(channel=CHANNEL, response_url=response_url, order=order_id).dumps()
        view = {
            # A view id the stand-in does not hold: many modals open at once can't share its one
            # modal stack, so the app's views.update after the save is refused (not_found) and
            # the result is timed by its post to the response_url, which the app sends with it.
            "id": "VBENCH" + secrets.token_hex(4).upper(),
            "team_id": TEAM,
            "type": "modal",
            "callback_id": SAVE_FORM,
            "private_metadata": metadata,
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        }
        payload = view_submission(
            _who(user), view, {CARD_BLOCK: {CARD_ACTION: pm_id}}, trigger_id=self.standin.new_trigger_id()
        )
        request = _form(interaction(payload))
        return Request(request.body, request.headers, response_url, order=order_id)

    async def burst(self, requests: Sequence[Request]) -> list[Sent]:
        """All at once, as Slack delivers many users' requests, each on its own warm connection.

        The burst is sent and read on raw HTTP/1.1 connections: with httpx, this process spent
        about half a millisecond of CPU per request, so at 200 at once the last answers waited
        on this process reading the first ones, and the figures timed the bench, not the app.
        """
        connections = await asyncio.gather(*(RawConnection.open(self.server_url) for _ in requests))
        if self.on_connected is not None:
            self.on_connected()
        try:
            return list(
                await asyncio.gather(*(conn.send(request) for conn, request in zip(connections, requests, strict=True)))
            )
        finally:
            for conn in connections:
                conn.close()

    async def idle(self, timeout: float = 60.0) -> None:
        """Wait until the server has no work in flight after its acknowledgements."""
        deadline = time.monotonic() + timeout
        while True:
            health = (await self.http.get(self.server_url + "/healthz")).json()
            if health.get("in_flight") == 0:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server still has {health.get('in_flight')} requests in flight")
            await asyncio.sleep(0.02)


def confirm_value(blocks: Sequence[JSON]) -> str | None:
    """The Confirm button's (sealed) value in a preview message."""
    for block in blocks:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == CONFIRM_ACTION:
                value = element.get("value")
                return str(value) if value else None
    return None


@dataclass
class SandboxControl:
    """The sandbox's /_sandbox/ control API: fresh orders, request counts, settings."""

    url: str
    http: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=30.0))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def orders(self, count: int) -> list[JSON]:
        """Fresh placed orders, each with its own customer, so that no wallet grows across the run
        (a save's answer includes the customer's whole wallet)."""
        tag = secrets.token_hex(3)
        replies = await asyncio.gather(
            *(
                self.http.post(
                    self.url + "/_sandbox/orders", json={"count": 1, "customer_email": f"load-{tag}-{i}@example.com"}
                )
                for i in range(count)
            )
        )
        orders: list[JSON] = []
        for reply in replies:
            reply.raise_for_status()
            orders += reply.json()
        return orders

    async def reset_requests(self) -> None:
        (await self.http.post(self.url + "/_sandbox/reset-requests")).raise_for_status()

    async def stats(self) -> JSON:
        reply = await self.http.get(self.url + "/_sandbox/stats")
        reply.raise_for_status()
        stats: JSON = reply.json()
        return stats

    async def configure(self, **settings: Any) -> None:
        (await self.http.post(self.url + "/_sandbox/config", json=settings)).raise_for_status()
