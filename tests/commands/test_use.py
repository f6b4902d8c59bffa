"""`/wallet use`: the preview and its Confirm, the modal and its card picker, every refusal, double
clicks, a use whose answer was lost, and access, played as Slack sends them."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.sandbox.models import CustomerPaymentSourceRecord
from tests.support.harness import Harness
from tests.support.reading import button, input_blocks, texts
from tests.support.scenario import MakeHarness

CONFIRM = "wallet_use_confirm"
BOB_CARD = "Mastercard •••• 4444 · exp 08/2028"


def writes(sandbox: Sandbox) -> list[str]:
    return [r.route for r in sandbox.requests if r.method != "GET" and r.path.startswith("/api/")]


async def test_preview_then_confirm_sets_the_card_and_shows_the_order_read_back(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_AUDIT_CHANNEL="C0AUDIT")
    shown, response_url = await scenario.ask("use 1009 4444 customer on the phone")
    assert shown.ephemeral
    text = texts(shown.blocks)
    assert f"Use *{BOB_CARD}* on order *#1009* of *bob@example.com*?" in text
    assert "*Payment source*\\nnone yet" in text and "*Payment source after*" in text
    assert writes(scenario.sandbox) == []  # nothing changes before Confirm
    confirm = button(shown.blocks, CONFIRM)
    assert confirm["confirm"]["confirm"]["text"] == "Use card"
    assert DEMO.bob_card_id not in confirm["value"] and "phone" not in confirm["value"]  # sealed

    scenario.sandbox.reset_requests()
    await scenario.press(CONFIRM, confirm["value"], response_url=response_url)
    await scenario.settle()

    result = scenario.last_message()
    assert result.replaces is not None
    assert f"Order #1009 of *bob@example.com* will be charged on *{BOB_CARD}*." in texts(result.blocks)
    assert f"Stripe payment · {BOB_CARD}" in texts(result.blocks)
    routes = [r.route for r in scenario.sandbox.requests if r.path.startswith("/api/")]
    assert routes == [
        "GET /api/orders/:id",
        "PATCH /api/orders/:id",
        "GET /api/orders/:id",
        "PATCH /api/stripe_payments/:id",
    ]
    use = scenario.sandbox.requests[-3]
    assert use.body == {
        "data": {
            "type": "orders",
            "id": DEMO.bob_pending.id,
            "attributes": {"_customer_payment_source_id": DEMO.bob_card_id},
        }
    }
    metadata = scenario.sandbox.requests[-1].body["data"]["attributes"]["metadata"]
    assert (metadata["slack_user_id"], metadata["reason"]) == ("U0ALLOWED", "customer on the phone")
    [audit] = [message.text for message in scenario.standin.messages if message.channel == "C0AUDIT"]
    assert f"<@U0ALLOWED> used saved card {BOB_CARD} ({DEMO.bob_card_id}) on order #1009" in audit
    assert "reason: “customer on the phone”" in audit


async def test_the_audit_log_line_says_who_why_and_what(scenario: Harness, log_stream: io.StringIO) -> None:
    _, response_url = await scenario.ask("use 1009 4444 phone order")
    await scenario.confirm(CONFIRM, scenario.last_message(), response_url)
    [line] = [json.loads(raw) for raw in log_stream.getvalue().splitlines() if '"wallet.use"' in raw]
    assert (line["event"], line["result"], line["reason"], line["slack_user_id"]) == (
        "audit",
        "used",
        "phone order",
        "U0ALLOWED",
    )
    assert (line["saved_card_id"], line["card"]) == (DEMO.bob_card_id, BOB_CARD)
    assert DEMO.bob_card_token not in log_stream.getvalue()


def refuse_guest_order(sandbox: Sandbox) -> None:
    guest = sandbox.store.order_by_number("1002")
    assert guest is not None
    guest.status, guest.payment_status = "pending", "unpaid"


def mark_paid(sandbox: Sandbox) -> None:
    pending = sandbox.store.order_by_number("1009")
    assert pending is not None
    pending.payment_status = "paid"


def save_a_paypal_account(sandbox: Sandbox) -> None:
    """Bob's wallet also holds a PayPal account, saved from a PayPal payment."""
    paypal = ("paypal_payments", "ppPaypal03")
    sandbox.store.add(
        CustomerPaymentSourceRecord("cpsBobPaypal", "PayPal", DEMO.bob.id, None, paypal, "cus_x", "B-123")
    )


@pytest.mark.parametrize(
    ("text", "prepare", "named"),
    [
        ("use 1001 4444", None, "Order #1001 is placed: the customer has checked out"),
        ("use 1005 4444", None, "Order #1005 is cancelled: it was cancelled, so the customer will not be charged"),
        ("use 1002 4444", refuse_guest_order, "Order #1002 is a guest order"),
        ("use 1009 4444", mark_paid, "Order #1009's payment is already paid"),
        (f"use 1009 {DEMO.erin_card_ids[0]}", None, f"Saved card {DEMO.erin_card_ids[0]} belongs to another customer"),
        ("use 1009 cpsBobPaypal", save_a_paypal_account, "Saved card PayPal (cpsBobPaypal) is not a Stripe card"),
        ("use 1010 4242", None, "2 cards in erin@example.com's wallet end in 4242"),
        ("use 1009 1111", None, "There is no card ending in 1111 in bob@example.com's wallet"),
    ],
    ids=["placed", "cancelled", "guest", "already paid", "another customer's card", "not Stripe", "several", "none"],
)
async def test_refusals_are_specific_offer_no_confirm_and_write_nothing(
    scenario: Harness, text: str, prepare: Any, named: str
) -> None:
    if prepare is not None:
        prepare(scenario.sandbox)
    shown, _ = await scenario.ask(text)
    assert named in texts(shown.blocks)
    assert "*Not changed:* Nothing was changed in Commerce Layer." in texts(shown.blocks)
    assert CONFIRM not in texts(shown.blocks)
    assert writes(scenario.sandbox) == []


async def test_several_matches_are_listed_to_pick_from(scenario: Harness) -> None:
    shown, _ = await scenario.ask("use 1010 4242")
    text = texts(shown.blocks)
    for card_id in DEMO.erin_card_ids:
        assert f"Visa •••• 4242 · exp 04/2029 ({card_id})" in text
        assert f"`{card_id}`  :warning: same card as" in text


async def test_a_double_click_on_confirm_uses_the_card_once(scenario: Harness) -> None:
    _, response_url = await scenario.ask("use 1009 4444")
    value = button(scenario.last_message().blocks, CONFIRM)["value"]
    await scenario.press(CONFIRM, value, response_url=response_url)
    await scenario.press(CONFIRM, value, response_url=response_url)
    await scenario.settle()
    assert scenario.sandbox.count("PATCH", "^/api/orders/") == 1
    assert len(scenario.sandbox.stripe_payments_for(DEMO.bob_pending.id)) == 1
    said = [message.text for message in scenario.standin.messages]
    assert sum("This Confirm was already pressed" in text for text in said) == 1
    assert sum("will be charged on" in text for text in said) == 1


async def test_a_use_whose_answer_was_lost_is_shown_as_done(scenario: Harness) -> None:
    _, response_url = await scenario.ask("use 1009 4444")
    scenario.sandbox.inject_fault("PATCH", "^/api/orders/", FaultKind.LOST_RESPONSE)
    await scenario.confirm(CONFIRM, scenario.last_message(), response_url)
    assert f"will be charged on *{BOB_CARD}*" in texts(scenario.last_message().blocks)
    assert scenario.sandbox.count("PATCH", "^/api/orders/") == 1  # looked up, not sent again


async def test_a_use_with_no_answer_says_what_is_known_and_running_it_again_finishes(scenario: Harness) -> None:
    _, response_url = await scenario.ask("use 1009 4444")
    scenario.sandbox.inject_fault("PATCH", "^/api/orders/", FaultKind.LOST_RESPONSE)
    scenario.sandbox.inject_fault(
        "GET", f"^/api/orders/{DEMO.bob_pending.id}$", FaultKind.STATUS, status=503, times=None, skip=1
    )
    await scenario.confirm(CONFIRM, scenario.last_message(), response_url)
    failure = texts(scenario.last_message().blocks)
    assert "*Not changed:* It is not known whether the order's payment source changed." in failure
    assert "Run the same command again: it looks at the order first, and changes nothing twice." in failure

    scenario.sandbox.clear_faults()
    shown, _ = await scenario.ask("use 1009 4444")
    assert f"Order #1009 already uses *{BOB_CARD}*: there is nothing to change." in texts(shown.blocks)
    assert len(scenario.sandbox.stripe_payments_for(DEMO.bob_pending.id)) == 1


async def test_the_modal_picks_a_card_and_sets_its_payment_method_first(scenario: Harness) -> None:
    reply = await scenario.command("use 1010")
    await scenario.settle()
    view = scenario.open_view()
    assert "The order has no payment method: the use sets it to *Stripe card*" in texts(view["blocks"])
    assert input_blocks(view) == ["saved_card", "reason"]
    picker = next(block for block in view["blocks"] if block.get("block_id") == "saved_card")["element"]
    assert picker["type"] == "static_select"
    assert [option["value"] for option in picker["options"]] == list(DEMO.erin_card_ids)
    assert "duplicate?" in picker["options"][0]["text"]["text"]

    chosen = {"type": "static_select", "selected_option": picker["options"][1]}
    await scenario.submit(view, {"saved_card": {"pick": chosen}, "reason": {"why": "second entry"}})
    await scenario.settle()
    assert "will be charged on *Visa •••• 4242 · exp 04/2029*" in texts(scenario.open_view()["blocks"])
    message = scenario.last_message()
    assert message.via == "response_url" and message.ephemeral and reply.response_url is not None
    patches = [r.body for r in scenario.sandbox.requests if r.route == "PATCH /api/orders/:id"]
    assert patches[0]["data"]["relationships"]["payment_method"]["data"]["id"] == DEMO.stripe_method_id
    assert patches[1]["data"]["attributes"] == {"_customer_payment_source_id": DEMO.erin_card_ids[1]}


async def test_submitting_the_modal_without_a_card_is_an_inline_error(scenario: Harness) -> None:
    await scenario.command("use 1010")
    await scenario.settle()
    answer = (await scenario.submit(scenario.open_view(), {})).json()
    assert answer == {"response_action": "errors", "errors": {"saved_card": "Pick one of the customer's saved cards."}}
    assert writes(scenario.sandbox) == []


async def test_the_modal_of_a_refused_order_offers_no_picker(scenario: Harness) -> None:
    await scenario.command("use 1001")
    await scenario.settle()
    view = scenario.open_view()
    assert "Order #1001 is placed" in texts(view["blocks"])
    assert input_blocks(view) == [] and view.get("submit") is None


async def test_a_large_wallet_gets_a_picker_that_searches_commerce_layer(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")
    await scenario.command("use 1011")  # Frank's wallet holds more cards than a static select lists
    await scenario.settle()
    view = scenario.open_view()
    picker = next(block for block in view["blocks"] if block.get("block_id") == "saved_card")["element"]
    assert picker["type"] == "external_select" and "options" not in picker

    scenario.sandbox.reset_requests()
    reply = await scenario.suggest(view, "saved_card", "pick", "2005")
    assert reply.status == 200
    options = reply.json()["options"]
    assert [option["value"] for option in options] == ["cpsFrank005"]
    assert options[0]["text"]["text"] == "Mastercard •••• 2005 · exp 08/2032 · added 2024-01-15"
    [search] = [r for r in scenario.sandbox.requests if r.path.startswith("/api/")]
    assert (search.path, search.query["filter[q][name_cont]"]) == (
        f"/api/customers/{DEMO.frank.id}/customer_payment_sources",
        "2005",
    )

    outsider = await scenario.suggest(view, "saved_card", "pick", "2005", user="U0OUTSIDER")
    assert outsider.json() == {"options": []}  # the allow-list applies to every read of customer data


async def test_confirm_is_refused_to_anyone_but_the_requester_and_outside_the_allow_list(
    make_harness: MakeHarness,
) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED,U0OTHER")
    _, response_url = await scenario.ask("use 1009 4444")
    value = button(scenario.last_message().blocks, CONFIRM)["value"]
    await scenario.press(CONFIRM, value, response_url=response_url, user="U0OTHER")
    await scenario.settle()
    assert "Only the person who asked for this use of a saved card can confirm it" in scenario.last_message().text

    await scenario.command("use 1009 4444", user="U0OUTSIDER")
    await scenario.settle()
    assert "not on Wallet bot's allow-list" in scenario.last_message().text
    assert writes(scenario.sandbox) == []
