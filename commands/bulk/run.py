"""A confirmed bulk save running: one per user across processes, its progress message updated as
rows finish (a few times a minute at most), Stop, and at the end the summary and the CSV report.

Shutdown (SIGTERM): the batch is work after an answer, so the drain waits for it; from the moment
shutdown begins no new row starts, the rows running finish, and the summary and the report say
which rows were not started and that running the same batch again finishes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.slack.listeners import Incoming
from bot.slack.services import Services
from bot.state import StateUnavailable
from bot.wallet import Actor, Refused, SaveResult, WalletError
from bot.wallet.bulk import Batch, Progress, Row, report_csv, run_rows
from commands.bulk.views import progress_blocks, progress_text, summary_blocks, summary_text
from commands.save.outcome import run_save

# chat.update is Tier 3 (about 50 a minute per workspace) and Slack asks for about one message a
# second per channel: one update every few seconds leaves room for several batches and the rest.
UPDATE_EVERY = 3.0
CLAIM_TTL = 60.0  # a process that dies mid-batch frees its user's claim within this time
BATCH_TTL = 15 * 60.0  # checked rows wait this long for Confirm
log = structlog.get_logger("bulk")


def user_key(team_id: str, user_id: str) -> str:
    return f"bulk-user:{team_id}:{user_id}"


def rows_key(batch_id: str) -> str:
    return f"bulk-rows:{batch_id}"


def stop_key(batch_id: str) -> str:
    return f"bulk-stop:{batch_id}"


@dataclass(frozen=True)
class Running:
    """What a user's claim says about their running batch: where its progress message is."""

    batch: str
    channel: str
    ts: str = ""

    def dumps(self) -> str:
        return json.dumps({"batch": self.batch, "channel": self.channel, "ts": self.ts})

    @classmethod
    def loads(cls, raw: str) -> Running:
        data = json.loads(raw)
        return cls(str(data["batch"]), str(data["channel"]), str(data.get("ts") or ""))


def running_text(raw: str) -> str:
    """Where the user's running batch is, to point at it."""
    running = Running.loads(raw)
    return (
        f":hourglass_flowing_sand: A bulk save you started is still running: its progress message is in "
        f"<#{running.channel}>. Stop it there, or wait for it to finish; one bulk save at a time per person."
    )


@dataclass(frozen=True)
class StopValue:
    """The Stop button's value: which batch, and who started it."""

    batch: str
    user_id: str

    def dumps(self) -> str:
        return f"{self.batch}:{self.user_id}"

    @classmethod
    def loads(cls, raw: str) -> StopValue:
        batch, _, user_id = raw.partition(":")
        return cls(batch, user_id)


class BatchRun:
    """One confirmed batch of `request`'s user, shown in `channel`."""

    def __init__(self, request: Incoming, services: Services, batch_id: str, batch: Batch, channel: str) -> None:
        self.request = request
        self.services = services
        self.batch_id = batch_id
        self.batch = batch
        self.claim = Running(batch_id, channel)
        self.progress = Progress(total=len(batch.rows), started_at=time.monotonic())
        self.stopping = False

    @property
    def user_id(self) -> str:
        return self.request.user_id

    async def start(self) -> str | None:
        """Runs the batch to its end; or, without running anything, why it can't start."""
        key = user_key(self.request.team_id, self.user_id)
        try:
            held = await self.services.state.claim(key, self.claim.dumps(), CLAIM_TTL)
        except StateUnavailable:
            return (
                "Wallet bot's shared state (Redis) can't be reached, so the batch did not start. Try again in a minute."
            )
        if held is not None:
            return running_text(held)
        try:
            await self._run(key)
        finally:
            with contextlib.suppress(StateUnavailable):  # the claim expires by itself
                await self.services.state.release(key, self.claim.dumps())
        return None

    async def _run(self, key: str) -> None:
        posted = await self._post_progress()
        started = Running(self.batch_id, str(posted["channel"]), str(posted["ts"]))
        with contextlib.suppress(StateUnavailable):
            await self.services.state.swap(key, self.claim.dumps(), started.dumps(), CLAIM_TTL)
        self.claim = started
        showing = asyncio.create_task(self._show_progress(key))
        try:
            await run_rows(self.batch.rows, self._save, self._stopped, progress=self.progress)
        finally:
            showing.cancel()
        await self._finish()

    async def _post_progress(self) -> Any:
        """The progress message in the channel; in the user's DM with the app where the bot can't post
        (a private channel it is not in)."""
        text, blocks = progress_text(self.progress), self._progress_blocks()
        try:
            return await self.request.client.chat_postMessage(channel=self.claim.channel, text=text, blocks=blocks)
        except SlackApiError as error:
            log.info("bulk.progress_in_dm", error=error.response.get("error"))
            return await self.request.client.chat_postMessage(channel=self.user_id, text=text, blocks=blocks)

    async def _save(self, row: Row) -> SaveResult | WalletError:
        """One row: a normal save, access checked for it as for a command."""
        decision = await self.services.access.check(self.user_id, self.claim.channel)
        if not decision.allowed:
            return Refused(decision.reason, next_step="Ask for access, then run the same batch again.")
        actor = Actor(self.request.team_id, self.user_id, row.reason)
        return await run_save(self.services, row.order, row.pm_id, actor)

    async def _stopped(self) -> str | None:
        if self.services.drain.closing:
            return "Wallet bot was shutting down (a deploy or a restart)"
        try:
            by = await self.services.state.peek(stop_key(self.batch_id))
        except StateUnavailable:
            return "Wallet bot's shared state (Redis) stopped answering"
        if by is not None:
            self.stopping = True
            return f"stopped by <@{by}>"
        return None

    def _progress_blocks(self) -> list[Block]:
        stop = StopValue(self.batch_id, self.user_id).dumps()
        return progress_blocks(self.progress, self.user_id, stop, stopping=self.stopping)

    async def _show_progress(self, key: str) -> None:
        """Updates the message every UPDATE_EVERY seconds while rows finish; renews the user's claim."""
        shown = -1
        while True:
            await asyncio.sleep(UPDATE_EVERY)
            with contextlib.suppress(StateUnavailable):
                await self.services.state.swap(key, self.claim.dumps(), self.claim.dumps(), CLAIM_TTL)
            if len(self.progress.results) != shown:
                shown = len(self.progress.results)
                await self._update(progress_text(self.progress), self._progress_blocks())

    async def _update(self, text: str, blocks: list[Block]) -> bool:
        try:
            await self.request.client.chat_update(
                channel=self.claim.channel, ts=self.claim.ts, text=text, blocks=blocks
            )
        except SlackApiError as error:  # over chat.update's limit even after one retry: the next one shows it
            log.warning("bulk.progress_not_updated", error=error.response.get("error"))
            return False
        except (aiohttp.ClientError, TimeoutError) as error:  # Slack unreachable a moment: the rows go on
            log.warning("bulk.progress_not_updated", error=type(error).__name__)
            return False
        return True

    async def _finish(self) -> None:
        text, blocks = summary_text(self.progress), summary_blocks(self.progress, self.user_id)
        if not await self._update(text, blocks):
            await self.request.client.chat_postMessage(channel=self.claim.channel, text=text, blocks=blocks)
        try:
            await self.request.client.files_upload_v2(
                channel=self.claim.channel,
                content=report_csv(self.progress.in_order()),
                filename=f"bulk-save-{self.batch_id}.csv",
                title="Bulk save report",
                initial_comment=text,
            )
        except SlackApiError as error:
            log.error("bulk.report_not_uploaded", error=error.response.get("error"))
            await self.request.client.chat_postMessage(
                channel=self.claim.channel,
                text="The per-row report could not be uploaded (is the app's files:write scope granted?). "
                "The summary above stands; /wallet history lists each save.",
            )
