"""The bulk core: rows read from pasted text or CSV with their lines, and run a bounded number at a
time until done or stopped."""

from __future__ import annotations

import asyncio

from bot.wallet import Refused, SaveResult, WalletError
from bot.wallet.bulk import MAX_ROWS, Batch, Outcome, Progress, Row, read_rows, report_csv, run_rows


def test_rows_keep_their_lines_reasons_with_commas_and_quoted_cells() -> None:
    text = 'order,pm,reason\n\n1001, pm_abcd1234, phone, then email\n"#1002","pm_efgh5678","asked, twice"\n'
    batch = read_rows(text, require_reason=False)
    assert [(row.line, str(row.order), row.card, row.reason) for row in batch.rows] == [
        (3, "#1001", "pm_…1234", "phone, then email"),
        (4, "#1002", "pm_…5678", "asked, twice"),
    ]
    assert batch.problems == ()
    assert Batch.loads(batch.dumps()).rows == batch.rows


def test_a_quoted_cell_over_two_lines_counts_from_its_first_line() -> None:
    batch = read_rows('1001, pm_bad id\n1002, pm_ok12345, "two\nlines"\n1003, x', require_reason=False)
    assert [problem.line for problem in batch.problems] == [1, 4]
    assert [row.line for row in batch.rows] == [2]


def test_rows_past_the_limit_wait_for_another_batch() -> None:
    text = "\n".join(f"{1000 + i}, pm_card{i:05d}" for i in range(MAX_ROWS + 5))
    batch = read_rows(text, require_reason=False)
    assert len(batch.rows) == MAX_ROWS
    assert [problem.line for problem in batch.problems] == [MAX_ROWS + 1]


async def test_rows_run_a_few_at_a_time_and_stop_starting_when_told() -> None:
    rows = read_rows("\n".join(f"{1000 + i}, pm_x{i:04d}" for i in range(1, 21)), require_reason=False).rows
    running = 0
    most = 0
    started: list[int] = []

    async def save(row: Row) -> SaveResult | WalletError:
        nonlocal running, most
        running += 1
        most = max(most, running)
        started.append(row.line)
        await asyncio.sleep(0)
        running -= 1
        return Refused("refused in this test", next_step="none")

    async def stopped() -> str | None:
        return "stopped by the test" if len(started) >= 10 else None

    progress = await run_rows(rows, save, stopped, in_flight=4, progress=Progress(total=20, started_at=0.0))
    assert most == 4
    assert progress.count(Outcome.FAILED) == len(started) and 10 <= len(started) < 14
    assert progress.count(Outcome.NOT_STARTED) == 20 - len(started)
    assert progress.left == 0
    report = report_csv(progress.in_order()).splitlines()
    assert report[0] == "row,order,card,result,what changed"
    assert report[-1] == "20,#1020,pm_…0020,not started,Nothing: stopped by the test."
