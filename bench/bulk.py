"""Bulk saves at Commerce Layer's test-mode rate limits: `/wallet bulk` with a CSV file of N rows,
played as Slack plays it against the real server (a subprocess) and the sandbox (another, limits on).

Measured per batch: the time from Confirm to the summary against the least time the limits allow
for the Commerce Layer requests the batch made (tests/support/rate_limits.py), the rows that did
not end saved, the 429s Commerce Layer answered, and the progress message's updates per minute
against chat.update's Tier 3 (50 a minute).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.driver import BOT_TOKEN, SIGNING_SECRET, SandboxControl
from bench.procs import SlackSide, start_sandbox, start_server
from bot.sandbox import RateLimitPolicy, RecordedRequest
from bot.standin import SlackStandIn, start_standin
from bot.standin.payloads import Who, file_input_value, interaction, signed_headers, slash_command, view_submission
from commands.bulk.views import BULK_FORM, BULK_REVIEW, FILE_ACTION, FILE_BLOCK
from tests.support.rate_limits import least_time

USER, TEAM, CHANNEL = "U0BENCH", "T0CONSOLE", "C0CONSOLE"
TOKEN_ROUTE = "POST /oauth/token"
CHAT_UPDATE_TIER = 50.0  # calls a minute
WAIT = 900.0


@dataclass
class BulkBatch:
    rows: int
    seconds: float = float("nan")  # Confirm -> the summary in the progress message
    floor: float = float("nan")  # the least time the limits allow for the requests made
    saved: int = 0
    cl_429: int = 0
    updates: int = 0  # chat.update calls that changed the progress message (the summary included)
    update_429: int = 0

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor if self.floor else float("nan")

    @property
    def updates_per_minute(self) -> float:
        return self.updates / self.seconds * 60 if self.seconds else float("nan")


async def bulk_batches(
    sizes: Sequence[int], latency: float, log_dir: Path, progress: Callable[[str], None]
) -> list[BulkBatch]:
    """One batch per size, each on a fresh sandbox and server."""
    batches = []
    for size in sizes:
        batch = await _one_batch(size, latency, log_dir / f"bulk{size}")
        progress(
            f"bulk {size}: {batch.seconds:.1f} s, floor {batch.floor:.0f} s, ratio {batch.ratio:.2f}, "
            f"{batch.saved} saved, {batch.updates_per_minute:.0f} updates/min"
        )
        batches.append(batch)
    return batches


async def _one_batch(size: int, latency: float, log_dir: Path) -> BulkBatch:
    await asyncio.to_thread(_make_dir, log_dir)
    standin = SlackStandIn(bot_token=BOT_TOKEN)
    standin_server = await start_standin(standin)
    sandbox = await start_sandbox(latency, log_dir)
    control = SandboxControl(sandbox.url)
    server = None
    try:
        server, _ = await start_server(
            sandbox.url, SlackSide(BOT_TOKEN, SIGNING_SECRET, standin_server.api_url), log_dir
        )
        orders = await control.orders(size)
        rows = "order,pm,reason\n" + "\n".join(f"{order['number']},pm_card_visa,bench backlog" for order in orders)
        async with httpx.AsyncClient(timeout=30.0) as http:
            player = _Player(http, server.url + "/slack/events", standin)
            review = await player.checked(rows)
            await control.configure(rate_limits=True)
            await control.reset_requests()
            return await player.confirmed(review, size, control)
    finally:
        if server is not None:
            await server.stop()
        await control.aclose()
        await sandbox.stop()
        await standin_server.stop()


@dataclass
class _Player:
    http: httpx.AsyncClient
    url: str
    standin: SlackStandIn

    @property
    def who(self) -> Who:
        return Who(USER, TEAM, CHANNEL)

    async def _post(self, body: str) -> httpx.Response:
        response = await self.http.post(self.url, content=body.encode(), headers=signed_headers(SIGNING_SECRET, body))
        response.raise_for_status()
        return response

    async def checked(self, rows: str) -> dict[str, Any]:
        """`/wallet bulk`, the CSV file attached and submitted: the modal with the rows checked."""
        response_url = self.standin.new_response_url(CHANNEL, user_id=USER)
        trigger = self.standin.new_trigger_id()
        await self._post(slash_command(self.who, "bulk", response_url=response_url, trigger_id=trigger))
        form = await self._view(BULK_FORM)
        file = self.standin.files.attach(self.standin, "backlog.csv", rows.encode(), user=USER)
        await self._submit(form, {FILE_BLOCK: {FILE_ACTION: file_input_value([file])}})
        return await self._view(BULK_REVIEW)

    async def confirmed(self, review: dict[str, Any], size: int, control: SandboxControl) -> BulkBatch:
        batch = BulkBatch(size)
        started = time.monotonic()
        await self._submit(review, {})
        await self._until(lambda: bool(self.standin.calls_to("files.completeUploadExternal")))
        batch.seconds = time.monotonic() - started
        updates = self.standin.calls_to("chat.update")
        batch.updates = sum(1 for call in updates if call.ok)
        batch.update_429 = sum(1 for call in updates if call.status == 429)
        [report] = self.standin.files.shared_in(CHANNEL)
        batch.saved = sum(1 for line in report.text.splitlines() if ",saved," in line)
        stats = await control.stats()
        batch.cl_429 = int((stats.get("statuses") or {}).get("429", 0))
        batch.floor = least_time(_requests(stats.get("by_route") or {}), RateLimitPolicy.test_mode())
        return batch

    async def _submit(self, view: dict[str, Any], values: dict[str, Any]) -> None:
        payload = view_submission(self.who, view, values, trigger_id=self.standin.new_trigger_id())
        answer = (await self._post(interaction(payload))).json()
        if isinstance(answer, dict) and answer.get("response_action") == "update":
            self.standin.update_view_from_ack(str(view["id"]), answer["view"])

    async def _view(self, callback_id: str) -> dict[str, Any]:
        await self._until(lambda: (self.standin.top_view() or {}).get("callback_id") == callback_id)
        view = self.standin.top_view()
        assert view is not None
        return view

    async def _until(self, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + WAIT
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bulk save did not get there within {WAIT:.0f} s")
            await asyncio.sleep(0.05)


def _make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def _requests(by_route: dict[str, int]) -> list[RecordedRequest]:
    """The sandbox's counts by route as the requests least_time reads (429s are in the counts: none expected)."""
    requests = []
    for route, count in by_route.items():
        method, _, path = route.partition(" ")
        requests += [RecordedRequest(method, path, path, {}, None, 200, 0.0, route)] * int(count)
    return requests
