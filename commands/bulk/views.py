"""Block Kit for a bulk save: the modal's steps (rows, their check) and the progress message."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from bot.wallet.bulk import Batch, Outcome, Progress, RowProblem, RowResult
from commands.plumbing.blocks import SECTION_LIMIT, context, escape, section
from commands.plumbing.modal import FormMeta, modal, text_view

TITLE = "Bulk save"
BULK_FORM = "wallet_bulk_form"
BULK_REVIEW = "wallet_bulk_review"
STATUS_VIEW = "wallet_bulk_status"
ROWS_BLOCK, ROWS_ACTION = "rows", "text"
FILE_BLOCK, FILE_ACTION = "file", "csv"
STOP_ACTION = "wallet_bulk_stop"
FILE_TYPES = ["csv", "txt"]
PROBLEM_SECTIONS = 10  # far below the modal's 100 blocks; the rest is counted, not listed
FAILURES_SHOWN = 10
BAR_WIDTH = 20


def status_view(text: str, meta: FormMeta) -> View:
    return text_view(TITLE, text, meta, STATUS_VIEW)


def rows_form(meta: FormMeta, *, require_reason: bool) -> View:
    """Rows pasted, or a CSV file attached: one of the two."""
    reason = "order, pm_…, reason" if require_reason else "order, pm_…[, reason]"
    blocks: list[Block] = [
        section(
            f"One card per row: `{reason}`, like `1001, pm_1MqM05Lk…, phone order`. "
            "Every row is checked first; nothing is sent to Commerce Layer until you confirm."
            + (" A reason is required on every row." if require_reason else "")
        ),
        InputBlock(
            block_id=ROWS_BLOCK,
            label="Rows",
            optional=True,
            element=PlainTextInputElement(
                action_id=ROWS_ACTION, multiline=True, placeholder="1001, pm_…, reason", max_length=3000
            ),
        ),
        InputBlock(
            block_id=FILE_BLOCK,
            label="Or a CSV file",
            optional=True,
            hint="Columns: order, pm_… id, reason (optional). A header line is skipped. Up to 10 MB.",
            element=FileInputElement(action_id=FILE_ACTION, filetypes=FILE_TYPES, max_files=1),
        ),
    ]
    return modal(TITLE, blocks, meta, callback_id=BULK_FORM, submit="Check rows")


def review_view(batch: Batch, meta: FormMeta) -> View:
    """How many rows can be saved, and each row that can't with its line and problem."""
    valid = len(batch.rows)
    blocks: list[Block] = [section(f"*{_rows(valid)} ready to save.*" + _then(batch))]
    blocks += _problem_blocks(batch.problems)
    if not valid:
        return modal(TITLE, blocks, meta, callback_id=STATUS_VIEW)
    blocks.append(context("Rows are saved a few at a time, at Commerce Layer's rate limits; you can stop the batch."))
    return modal(TITLE, blocks, meta, callback_id=BULK_REVIEW, submit="Confirm")


def _then(batch: Batch) -> str:
    if not batch.problems:
        return " Press Confirm to start: a message in the channel shows the progress."
    if not batch.rows:
        return f" {_rows(len(batch.problems))} can't be saved: fix them and run /wallet bulk again."
    return (
        f" {_rows(len(batch.problems))} can't be saved (below). Confirm saves the {_rows(len(batch.rows))} "
        "ready and leaves the others out; or cancel, fix them and run /wallet bulk again."
    )


def _problem_blocks(problems: Sequence[RowProblem]) -> list[Block]:
    lines = [f"• Line {problem.line}: {escape(problem.problem)}"[:300] for problem in problems]
    blocks: list[Block] = []
    text = ""
    shown = 0
    for line in lines:
        if len(text) + len(line) + 1 > SECTION_LIMIT - 100:
            if len(blocks) + 1 >= PROBLEM_SECTIONS:
                break
            blocks.append(section(text))
            text = ""
        text += line + "\n"
        shown += 1
    if text:
        blocks.append(section(text))
    if shown < len(lines):
        blocks.append(context(f"…and {len(lines) - shown} more rows that can't be saved."))
    return blocks


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def progress_blocks(progress: Progress, user_id: str, stop_value: str, *, stopping: bool) -> list[Block]:
    """The channel message while the rows run: a bar, the counts, the time left, and Stop."""
    blocks: list[Block] = [
        section(f":hourglass_flowing_sand: *Bulk save* by <@{user_id}>: {_rows(progress.total)}"),
        section(f"{_bar(progress)}\n{_counts(progress)}"),
    ]
    if stopping:
        blocks.append(context("Stopping: no new rows start; the rows already running finish."))
        return blocks
    stop = ButtonElement(
        text="Stop",
        action_id=STOP_ACTION,
        value=stop_value,
        style="danger",
        confirm=ConfirmObject(
            title="Stop this bulk save?",
            text="No new rows start; rows already running finish. Running the same batch again finishes the rest.",
            confirm="Stop",
            deny="Keep going",
        ),
    )
    return [*blocks, ActionsBlock(block_id="wallet_bulk", elements=[stop])]


def progress_text(progress: Progress) -> str:
    return f"Bulk save: {progress.finished} of {progress.total} rows finished"


def _bar(progress: Progress) -> str:
    share = progress.finished / progress.total if progress.total else 1.0
    filled = round(share * BAR_WIDTH)
    return f"`{'█' * filled}{'░' * (BAR_WIDTH - filled)}` {share:.0%}"


def _counts(progress: Progress) -> str:
    done = progress.count(Outcome.SAVED, Outcome.ALREADY)
    counts = f"*Done* {done} · *Failed* {progress.count(Outcome.FAILED)} · *Left* {progress.left}"
    seconds = progress.seconds_left
    if seconds is not None and progress.left:
        counts += f" · about {_duration(seconds)} left"
    return counts


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"


def summary_text(progress: Progress) -> str:
    return (
        f"Bulk save finished: {progress.count(Outcome.SAVED)} saved, {progress.count(Outcome.ALREADY)} already in "
        f"wallet, {progress.count(Outcome.FAILED)} failed, {progress.count(Outcome.NOT_STARTED)} not started"
    )


def summary_blocks(progress: Progress, user_id: str) -> list[Block]:
    """The message once the batch is over: the counts, why rows were left, the failures, what next."""
    icon = (
        ":white_check_mark:"
        if progress.finished == progress.total and not progress.count(Outcome.FAILED)
        else ":warning:"
    )
    blocks: list[Block] = [
        section(f"{icon} *Bulk save* by <@{user_id}> is over: {_rows(progress.total)}"),
        section(
            f"*Saved* {progress.count(Outcome.SAVED)} · *Already in wallet* {progress.count(Outcome.ALREADY)} · "
            f"*Failed* {progress.count(Outcome.FAILED)} · *Not started* {progress.count(Outcome.NOT_STARTED)}"
        ),
    ]
    failed = [result for result in progress.in_order() if result.outcome is Outcome.FAILED]
    if failed:
        blocks.append(section(_failure_lines(failed)))
    if progress.stopped is not None:
        # Wallet bot's own words, with a mention of who stopped it: not escaped.
        blocks.append(section(f"{_rows(progress.count(Outcome.NOT_STARTED))} not started: {progress.stopped}."))
    if failed or progress.stopped is not None:
        blocks.append(
            context(
                "Run /wallet bulk again with the same rows to finish: a row already saved reports "
                "“already in wallet”, nothing is created twice."
            )
        )
    blocks.append(context("The per-row report (card ids shortened) is the CSV file below."))
    return blocks


def _failure_lines(failed: Sequence[RowResult]) -> str:
    lines = [
        f"• Line {result.row.line} ({escape(result.row.order)}, {escape(result.row.card)}): {escape(result.changed)}"[
            :280
        ]
        for result in failed[:FAILURES_SHOWN]
    ]
    if len(failed) > FAILURES_SHOWN:
        lines.append(f"…and {len(failed) - FAILURES_SHOWN} more: see the report.")
    return "\n".join(lines)
