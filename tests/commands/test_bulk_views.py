"""Golden Block Kit of a bulk save's progress message and summary, as Slack receives them."""

from __future__ import annotations

from bot.wallet.bulk import Outcome, Progress, RowResult, read_rows
from commands.bulk.views import progress_blocks, summary_blocks
from tests.commands.golden import mrkdwn, plain

ROWS = read_rows(
    "1001, pm_aaaa1111\n1002, pm_bbbb2222\n1003, pm_cccc3333\n1004, pm_dddd4444", require_reason=False
).rows


def progress(*outcomes: Outcome, stopped: str | None = None) -> Progress:
    results = [
        RowResult(row, outcome, f"what happened to line {row.line}")
        for row, outcome in zip(ROWS[: len(outcomes)], outcomes, strict=True)
    ]
    return Progress(total=len(ROWS), started_at=0.0, results=results, stopped=stopped, clock=lambda: 20.0)


def test_the_progress_message_has_a_bar_the_counts_the_time_left_and_stop() -> None:
    blocks = [
        block.to_dict()
        for block in progress_blocks(progress(Outcome.SAVED, Outcome.FAILED), "U1", "b:U1", stopping=False)
    ]
    assert blocks[:2] == [
        {"type": "section", "text": mrkdwn(":hourglass_flowing_sand: *Bulk save* by <@U1>: 4 rows")},
        {
            "type": "section",
            "text": mrkdwn("`██████████░░░░░░░░░░` 50%\n*Done* 1 · *Failed* 1 · *Left* 2 · about 20 s left"),
        },
    ]
    [stop] = blocks[2]["elements"]
    assert (stop["action_id"], stop["value"], stop["style"], stop["text"]) == (
        "wallet_bulk_stop",
        "b:U1",
        "danger",
        plain("Stop"),
    )
    stopping = [block.to_dict() for block in progress_blocks(progress(Outcome.SAVED), "U1", "b:U1", stopping=True)]
    assert stopping[-1] == {
        "type": "context",
        "elements": [mrkdwn("Stopping: no new rows start; the rows already running finish.")],
    }


def test_the_summary_counts_every_outcome_lists_failures_and_says_how_to_finish() -> None:
    done = progress(Outcome.SAVED, Outcome.ALREADY, Outcome.FAILED, Outcome.NOT_STARTED, stopped="stopped by <@U1>")
    texts = [block.to_dict() for block in summary_blocks(done, "U1")]
    assert texts[1]["text"]["text"] == "*Saved* 1 · *Already in wallet* 1 · *Failed* 1 · *Not started* 1"
    assert texts[2]["text"]["text"] == "• Line 3 (#1003, pm_…3333): what happened to line 3"
    assert texts[3]["text"]["text"] == "1 row not started: stopped by <@U1>."
    assert "Run /wallet bulk again with the same rows to finish" in texts[4]["elements"][0]["text"]
