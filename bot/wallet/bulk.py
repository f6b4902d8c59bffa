"""Bulk saves: rows of `order, pm_…[, reason]`, pasted or read from a CSV file, all checked before
any is sent; then saved a few at a time, each row a normal save, until done or stopped.

Slack-free: the caller gives the save of one row (with its audit and access check) and reads the
progress while the rows run.

Why a few at a time and not all at once: the Commerce Layer client paces every request on the rate
limits' headers, and a request that waits longer than its patience gives up. Rows started as others
finish keep every request's wait short, however long the batch.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

import structlog

from bot.wallet.errors import WalletError
from bot.wallet.refs import (
    InputError,
    OrderRef,
    PaymentMethodId,
    mask_payment_method,
    parse_order_ref,
    parse_payment_method_id,
    parse_reason,
)
from bot.wallet.results import SaveResult

MAX_ROWS = 1000
IN_FLIGHT = 8  # rows saved at once
_HEADER_WORDS = frozenset({"order", "order number", "order_number", "order id", "order_id"})
log = structlog.get_logger("bulk")


@dataclass(frozen=True)
class Row:
    line: int  # where it was in what the user gave, from 1
    order: OrderRef
    pm_id: PaymentMethodId
    reason: str | None

    @property
    def card(self) -> str:
        return mask_payment_method(self.pm_id)


@dataclass(frozen=True)
class RowProblem:
    line: int
    problem: str


@dataclass(frozen=True)
class Batch:
    """What the user gave, checked: the rows to save and the lines that can't be saved, and why."""

    rows: tuple[Row, ...]
    problems: tuple[RowProblem, ...]

    def dumps(self) -> str:
        """The rows, to keep between the check and the Confirm (problems are not kept: never sent)."""
        return json.dumps([[row.line, str(row.order), row.pm_id, row.reason] for row in self.rows])

    @classmethod
    def loads(cls, raw: str) -> Batch:
        """Rows written by `dumps` from rows already checked."""
        rows = tuple(
            Row(int(line), parse_order_ref(order), PaymentMethodId(pm_id), reason)
            for line, order, pm_id, reason in json.loads(raw)
        )
        return cls(rows, ())


def read_rows(text: str, *, require_reason: bool) -> Batch:
    """Every row of `text` (CSV: `order, pm_…[, reason]`; a header line and blank lines are skipped),
    each checked as a command's arguments are."""
    rows: list[Row] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in _records(text.lstrip("\ufeff")):
        if len(rows) + len(problems) >= MAX_ROWS:
            problems.append(
                RowProblem(line, f"More than {MAX_ROWS} rows: split the batch; this row and the rest wait.")
            )
            break
        try:
            row = _row(line, cells, require_reason=require_reason)
        except InputError as error:
            problems.append(RowProblem(line, str(error)))
            continue
        key = (str(row.order), row.pm_id)
        if key in seen:
            problems.append(RowProblem(line, f"Same order and card as line {seen[key]}: each is saved once."))
            continue
        seen[key] = line
        rows.append(row)
    return Batch(tuple(rows), tuple(problems))


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each meaningful CSV record with the line it starts on."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    first = True
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        cleaned = [cell.strip() for cell in cells]
        if not any(cleaned):
            continue
        if first and cleaned[0].lower() in _HEADER_WORDS:
            first = False
            continue
        first = False
        yield start, cleaned


def _row(line: int, cells: list[str], *, require_reason: bool) -> Row:
    if len(cells) < 2 or not cells[1]:
        raise InputError("A row needs an order and a Stripe PaymentMethod id: 1001, pm_…[, reason].")
    order = parse_order_ref(cells[0])
    pm_id = parse_payment_method_id(cells[1])
    # A reason with commas, pasted without quotes, is still one reason.
    reason = parse_reason([", ".join(cell for cell in cells[2:] if cell)], required=require_reason)
    return Row(line, order, pm_id, reason)


class Outcome(Enum):
    SAVED = "saved"
    ALREADY = "already in wallet"
    FAILED = "failed"
    NOT_STARTED = "not started"


@dataclass(frozen=True)
class RowResult:
    row: Row
    outcome: Outcome
    changed: str  # what changed, in the operator's words


def row_result(row: Row, saved: SaveResult | WalletError) -> RowResult:
    if isinstance(saved, WalletError):
        told = " ".join([saved.what, *saved.changed, *saved.unchanged])
        return RowResult(row, Outcome.FAILED, told)
    if saved.already_in_wallet:
        return RowResult(row, Outcome.ALREADY, "Nothing: the card was already in the wallet.")
    order = saved.order
    customer = (order.customer.email or order.customer.id) if order.customer else "the customer"
    told = f"Card {saved.card.label} added to the wallet of {customer}"
    told += f" (entry {saved.added.id})." if saved.added else "."
    if saved.payment_method_set is not None:
        told += f" The order's payment method was set to {saved.payment_method_set.name or 'Stripe'}."
    return RowResult(row, Outcome.SAVED, told)


SaveRow = Callable[[Row], Awaitable[SaveResult | WalletError]]
Stopped = Callable[[], Awaitable[str | None]]  # why no more rows may start, or None


@dataclass
class Progress:
    """Where a running batch stands; read by whoever shows it."""

    total: int
    started_at: float
    results: list[RowResult] = field(default_factory=list)
    stopped: str | None = None  # why rows were left unstarted, once they were
    clock: Callable[[], float] = time.monotonic

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome in outcomes)

    @property
    def finished(self) -> int:
        return self.count(Outcome.SAVED, Outcome.ALREADY, Outcome.FAILED)

    @property
    def left(self) -> int:
        return self.total - self.finished - self.count(Outcome.NOT_STARTED)

    @property
    def seconds_left(self) -> float | None:
        """At the pace of the rows finished so far; None before the first one finishes."""
        if not self.finished:
            return None
        return (self.clock() - self.started_at) / self.finished * self.left

    def in_order(self) -> list[RowResult]:
        return sorted(self.results, key=lambda result: result.row.line)


async def run_rows(
    rows: Sequence[Row], save: SaveRow, stopped: Stopped, *, in_flight: int = IN_FLIGHT, progress: Progress
) -> Progress:
    """Saves `rows`, `in_flight` at a time; before each row starts, `stopped` may say no more start.
    Rows in flight always finish; the rows never started are reported as such."""
    pending = iter(rows)

    async def worker() -> None:
        for row in pending:
            if progress.stopped is None:
                progress.stopped = await stopped()
            if progress.stopped is not None:
                progress.results.append(RowResult(row, Outcome.NOT_STARTED, f"Nothing: {progress.stopped}."))
                continue
            progress.results.append(await _saved_row(row, save))

    await asyncio.gather(*(worker() for _ in range(max(1, min(in_flight, len(rows))))))
    return progress


async def _saved_row(row: Row, save: SaveRow) -> RowResult:
    try:
        return row_result(row, await save(row))
    except Exception:  # one row's surprise must not end the others
        log.exception("bulk.row_failed", line=row.line)
        return RowResult(row, Outcome.FAILED, "Something unexpected went wrong; it is not known how far it got.")


REPORT_COLUMNS = ("row", "order", "card", "result", "what changed")


def report_csv(results: Sequence[RowResult]) -> str:
    """The per-row report: the card masked, never the whole pm_… id."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for result in results:
        row = result.row
        writer.writerow([row.line, str(row.order), row.card, result.outcome.value, result.changed])
    return out.getvalue()
