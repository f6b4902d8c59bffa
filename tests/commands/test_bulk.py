"""`/wallet bulk`: rows pasted or in a CSV file, every row checked before anything is sent, the
progress message, Stop, the summary and the CSV report, a batch run again, one bulk per user,
and access, played as Slack sends them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.sandbox.core import DemoOrder
from bot.standin import file_input_value
from tests.support.harness import CHANNEL, USER, Harness
from tests.support.reading import button, texts
from tests.support.scenario import MakeHarness

STOP = "wallet_bulk_stop"


def orders(sandbox: Sandbox, count: int) -> list[DemoOrder]:
    return [sandbox.add_order(customer_email=f"bulk{i}@example.com") for i in range(count)]


def pm(i: int) -> str:
    return f"pm_1BulkCard{i:04d}Zz"


def rows_of(placed: list[DemoOrder], reason: str = "phone backlog") -> str:
    return "\n".join(f"{order.number}, {pm(i)}, {reason}" for i, order in enumerate(placed))


async def open_bulk(scenario: Harness, user: str = USER) -> dict[str, Any]:
    reply = await scenario.command("bulk", user=user)
    assert reply.status == 200 and reply.body == ""
    await scenario.settle()
    return scenario.open_view()


async def check(scenario: Harness, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Submits the rows form; the modal then shows the check of every row."""
    await scenario.submit(view, values)
    await scenario.settle()
    return scenario.open_view()


async def confirm(scenario: Harness, review: dict[str, Any]) -> None:
    assert review["submit"]["text"] == "Confirm"
    await scenario.submit(review, {})
    await scenario.settle()


def progress_messages(scenario: Harness) -> list[Any]:
    return [
        m for m in scenario.standin.messages if m.via in ("chat.postMessage", "chat.update") and m.channel == CHANNEL
    ]


def final_message(scenario: Harness) -> str:
    posted = [m for m in progress_messages(scenario) if m.via == "chat.postMessage"][-1]
    current = scenario.standin.current_message(CHANNEL, posted.ts)
    assert current is not None
    return texts(current.blocks)


def report(scenario: Harness) -> list[dict[str, str]]:
    uploaded = scenario.standin.files.shared_in(CHANNEL)[-1]
    assert uploaded.name.endswith(".csv")
    return list(csv.DictReader(io.StringIO(uploaded.text)))


def saved_tokens(sandbox: Sandbox, order: DemoOrder) -> list[str]:
    return [card.payment_source_token or "" for card in sandbox.wallet(order.customer_id or "")]


def cl_writes(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.method != "GET" and r.path.startswith("/api/"))


async def test_valid_rows_are_counted_then_saved_on_confirm_with_progress_summary_and_report(
    make_harness: MakeHarness,
) -> None:
    scenario = await make_harness(WALLET_AUDIT_CHANNEL="C0AUDIT")
    placed = orders(scenario.sandbox, 3)
    view = await open_bulk(scenario)
    assert [b["element"]["type"] for b in view["blocks"] if b["type"] == "input"] == ["plain_text_input", "file_input"]

    review = await check(scenario, view, {"rows": {"text": "order, pm, reason\n" + rows_of(placed)}})
    assert "*3 rows ready to save.*" in texts(review["blocks"])
    assert cl_writes(scenario.sandbox) == 0  # nothing is sent before Confirm

    await confirm(scenario, review)
    for i, order in enumerate(placed):
        assert saved_tokens(scenario.sandbox, order) == [pm(i)]
    posted = progress_messages(scenario)
    assert posted[0].via == "chat.postMessage" and not posted[0].ephemeral
    assert STOP in texts(posted[0].blocks)
    final = final_message(scenario)
    assert "*Saved* 3 · *Already in wallet* 0 · *Failed* 0 · *Not started* 0" in final
    assert STOP not in final

    rows = report(scenario)
    assert [(r["row"], r["order"], r["card"], r["result"]) for r in rows] == [
        (str(i + 2), f"#{order.number}", f"pm_…{pm(i)[-4:]}", "saved") for i, order in enumerate(placed)
    ]
    assert "added to the wallet of bulk0@example.com" in rows[0]["what changed"]
    uploaded = scenario.standin.files.shared_in(CHANNEL)[-1].text
    assert all(pm(i) not in uploaded for i in range(3))  # cards masked
    audit = [m.text for m in scenario.standin.messages if m.channel == "C0AUDIT"]
    assert len(audit) == 3 and all("phone backlog" in line for line in audit)


async def test_invalid_rows_are_listed_with_their_line_and_nothing_is_sent(scenario: Harness) -> None:
    view = await open_bulk(scenario)
    pasted = "1001, pm_ok1234\n\n#abc!, pm_x1234\n1002\n1001, pm_ok1234\n1003, card_1234"
    review = await check(scenario, view, {"rows": {"text": pasted}})
    shown = texts(review["blocks"])
    assert "*1 row ready to save.*" in shown
    assert "Line 3: “#abc!” is not an order number" in shown
    assert "Line 4: A row needs an order and a Stripe PaymentMethod id" in shown
    assert "Line 5: Same order and card as line 1" in shown
    assert "Line 6: “card_1234” is not a Stripe PaymentMethod id" in shown
    assert review["submit"]["text"] == "Confirm"

    all_bad = await check(scenario, await open_bulk(scenario), {"rows": {"text": "nope\n1001, pm_a b"}})
    assert "*0 rows ready to save.*" in texts(all_bad["blocks"]) and all_bad.get("submit") is None
    assert cl_writes(scenario.sandbox) == 0


async def test_many_invalid_rows_are_summarized_within_slacks_limits(scenario: Harness) -> None:
    content = "\n".join(f"{i}, card_{i:06d}, " + "x" * 150 for i in range(1, 600)).encode()
    file = scenario.standin.files.attach(scenario.standin, "big.csv", content, user=USER)
    review = await check(scenario, await open_bulk(scenario), {"file": {"csv": file_input_value([file])}})
    assert len(review["blocks"]) <= 100
    assert "more rows that can't be saved" in texts(review["blocks"])


async def test_mixed_rows_save_the_valid_ones_and_report_the_refused_order(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 2)
    pasted = rows_of(placed) + f"\n{DEMO.cancelled.number}, pm_1Cancelled99\nbad row"
    review = await check(scenario, await open_bulk(scenario), {"rows": {"text": pasted}})
    assert "*3 rows ready to save.*" in texts(review["blocks"]) and "Line 4:" in texts(review["blocks"])
    await confirm(scenario, review)
    assert "*Saved* 2 · *Already in wallet* 0 · *Failed* 1" in final_message(scenario)
    failed = [r for r in report(scenario) if r["result"] == "failed"]
    assert [r["row"] for r in failed] == ["3"] and "cancelled" in failed[0]["what changed"].lower()


async def test_a_csv_file_is_read_with_the_bot_token_and_saved(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 2)
    content = ("\ufefforder,pm,reason\n" + rows_of(placed, '"phone, backlog"')).encode()
    file = scenario.standin.files.attach(scenario.standin, "backlog.csv", content, user=USER)
    view = await open_bulk(scenario)
    review = await check(scenario, view, {"file": {"csv": file_input_value([file])}})
    assert "*2 rows ready to save.*" in texts(review["blocks"])
    await confirm(scenario, review)
    assert [saved_tokens(scenario.sandbox, order) for order in placed] == [[pm(0)], [pm(1)]]
    assert [r["result"] for r in report(scenario)] == ["saved", "saved"]


async def test_a_file_slack_does_not_hand_over_is_told_and_nothing_is_sent(scenario: Harness) -> None:
    file = scenario.standin.files.attach(scenario.standin, "rows.csv", b"1001, pm_abcd1234", user=USER)
    file["url_private_download"] = file["url_private_download"].replace(file["id"], "FNOSUCHFILE")
    review = await check(scenario, await open_bulk(scenario), {"file": {"csv": file_input_value([file])}})
    assert "Slack did not hand over rows.csv" in texts(review["blocks"])
    assert cl_writes(scenario.sandbox) == 0


async def test_rows_and_a_file_at_once_or_neither_are_refused_under_the_input(scenario: Harness) -> None:
    view = await open_bulk(scenario)
    reply = await scenario.submit(view, {})
    assert reply.json() == {
        "response_action": "errors",
        "errors": {"rows": "Paste rows here, or attach a CSV file below."},
    }


async def test_stop_in_the_middle_lets_rows_in_flight_finish_and_rerun_finishes_the_rest(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 12)
    review = await check(scenario, await open_bulk(scenario), {"rows": {"text": rows_of(placed)}})
    # Every order read hangs until the test lets go: the first rows are in flight when Stop comes.
    scenario.sandbox.inject_fault("GET", r"^/api/orders", FaultKind.TIMEOUT, times=None, hold=1.0)
    await scenario.submit(review, {})
    [posted] = await scenario.standin.wait_for("chat.postMessage")
    assert posted.message is not None
    stop = button(posted.message.blocks, STOP)
    other = await scenario.press(
        STOP, stop["value"], response_url=scenario.standin.new_response_url(CHANNEL), user="U0OTHER"
    )
    assert other.status == 200
    await scenario.press(STOP, stop["value"], response_url=scenario.standin.new_response_url(CHANNEL))
    await scenario.standin.wait_for("response_url", 2)
    scenario.sandbox.clear_faults()
    await scenario.settle()

    said = [c.args.get("text", "") for c in scenario.standin.calls_to("response_url")]
    assert any("Only <@U0ALLOWED>, who started this bulk save, can stop it" in text for text in said)
    rows = report(scenario)
    started = [r for r in rows if r["result"] != "not started"]
    assert all(r["result"] == "saved" for r in started)
    assert len(rows) - len(started) >= 4  # only 8 rows are ever in flight
    assert all("stopped by <@U0ALLOWED>" in r["what changed"] for r in rows if r["result"] == "not started")
    assert "not started: stopped by" in final_message(scenario)
    waiting = {r["order"] for r in rows if r["result"] == "not started"}
    assert all(not scenario.sandbox.stripe_payments_for(o.id) for o in placed if f"#{o.number}" in waiting)

    again = await check(scenario, await open_bulk(scenario), {"rows": {"text": rows_of(placed)}})
    await confirm(scenario, again)
    results = [r["result"] for r in report(scenario)]
    assert results.count("already in wallet") == len(started) and results.count("saved") == 12 - len(started)
    for order in placed:
        assert len(scenario.sandbox.stripe_payments_for(order.id)) == 1  # nothing created twice


async def test_a_commerce_layer_fault_fails_its_row_and_the_batch_run_again_finishes_it(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 4)
    broken = placed[2]
    # Its row names the order by its Commerce Layer id, so that only its reads fail.
    pasted = rows_of(placed).replace(f"{broken.number},", f"{broken.id},")
    scenario.sandbox.inject_fault("GET", f"^/api/orders/{broken.id}$", FaultKind.STATUS, status=503, times=None)
    review = await check(scenario, await open_bulk(scenario), {"rows": {"text": pasted}})
    await confirm(scenario, review)
    assert "*Saved* 3 · *Already in wallet* 0 · *Failed* 1" in final_message(scenario)
    assert "Run /wallet bulk again with the same rows to finish" in final_message(scenario)
    assert [r["result"] for r in report(scenario)] == ["saved", "saved", "failed", "saved"]

    scenario.sandbox.clear_faults()
    again = await check(scenario, await open_bulk(scenario), {"rows": {"text": pasted}})
    await confirm(scenario, again)
    assert [r["result"] for r in report(scenario)] == [
        "already in wallet",
        "already in wallet",
        "saved",
        "already in wallet",
    ]
    assert [len(scenario.sandbox.stripe_payments_for(order.id)) for order in placed] == [1, 1, 1, 1]
    assert saved_tokens(scenario.sandbox, broken) == [pm(2)]


async def test_one_bulk_at_a_time_per_user_points_at_the_running_one(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 2)
    review = await check(scenario, await open_bulk(scenario), {"rows": {"text": rows_of(placed)}})
    scenario.sandbox.inject_fault("GET", r"^/api/orders", FaultKind.TIMEOUT, times=None, hold=1.0)
    await scenario.submit(review, {})
    await scenario.standin.wait_for("chat.postMessage")

    await scenario.command("bulk")
    await scenario.standin.wait_for("views.update", 3)  # the form, its check, and now the second modal
    second = scenario.open_view()
    assert "A bulk save you started is still running" in texts(second["blocks"])
    assert f"<#{CHANNEL}>" in texts(second["blocks"]) and second.get("submit") is None
    scenario.sandbox.clear_faults()
    await scenario.settle()
    assert "*Saved* 2" in final_message(scenario)
    reopened = await open_bulk(scenario)  # over: a new one may start
    assert reopened["callback_id"] == "wallet_bulk_form"


async def test_a_user_outside_the_allow_list_is_refused_before_anything(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS=["U0SOMEONE"])
    await scenario.command("bulk")
    await scenario.settle()
    shown = texts(scenario.open_view()["blocks"])
    assert "You are not on Wallet bot's allow-list" in shown
    assert scenario.open_view().get("submit") is None
    assert cl_writes(scenario.sandbox) == 0


async def test_a_required_reason_applies_to_every_row(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_REQUIRE_REASON=True)
    review = await check(
        scenario, await open_bulk(scenario), {"rows": {"text": "1001, pm_abc1234, asked\n1002, pm_abc5678"}}
    )
    shown = texts(review["blocks"])
    assert "*1 row ready to save.*" in shown and "Line 2: A reason is required" in shown


async def test_progress_updates_stay_within_chat_updates_tier(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 3)
    review = await check(scenario, await open_bulk(scenario), {"rows": {"text": rows_of(placed)}})
    scenario.standin.rate_limit("chat.update", times=1, retry_after=0)
    await confirm(scenario, review)
    updates = scenario.standin.calls_to("chat.update")
    assert [call.status for call in updates][:1] == [429]  # refused once, retried: the batch went on
    assert "*Saved* 3" in final_message(scenario)
    assert json.dumps(updates[-1].args).count(STOP) == 0


async def test_on_shutdown_no_new_row_starts_and_the_report_says_which_rows_wait(scenario: Harness) -> None:
    placed = orders(scenario.sandbox, 12)
    review = await check(scenario, await open_bulk(scenario), {"rows": {"text": rows_of(placed)}})
    scenario.sandbox.inject_fault("GET", r"^/api/orders", FaultKind.TIMEOUT, times=None, hold=1.0)
    await scenario.submit(review, {})
    await scenario.standin.wait_for("chat.postMessage")
    scenario.runtime.drain.close()  # what SIGTERM does first (bot/server.py)
    scenario.sandbox.clear_faults()
    await scenario.settle()

    rows = report(scenario)
    waiting = [r for r in rows if r["result"] == "not started"]
    assert len(waiting) >= 4 and all(r["result"] == "saved" for r in rows if r not in waiting)
    assert all("Wallet bot was shutting down" in r["what changed"] for r in waiting)
    assert "Run /wallet bulk again with the same rows to finish" in final_message(scenario)
