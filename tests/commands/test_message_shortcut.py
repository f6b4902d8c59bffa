"""The "Save card to wallet" message shortcut: the save modal filled in with what a message mentions."""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox import DEMO
from bot.standin.payloads import message_action, rich_text, user_message
from tests.support.harness import CHANNEL, USER, Harness, Reply
from tests.support.reading import input_blocks, texts
from tests.support.scenario import MakeHarness

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def run_on(scenario: Harness, text: str, *, user: str = USER, channel: str = CHANNEL, **message: Any) -> Reply:
    """Runs the shortcut on a message of `text` in `channel`, and waits for the work it starts."""
    who = scenario.who(user, channel)
    payload = message_action(
        who,
        "wallet_save_message",
        user_message(who, text, **message),
        trigger_id=scenario.standin.new_trigger_id(),
        response_url=scenario.standin.new_response_url(channel, user_id=user),
    )
    reply = await scenario.interact(payload)
    assert reply.status == 200 and reply.body == ""
    await scenario.settle()
    return reply


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return dict(next(block for block in view["blocks"] if block.get("block_id") == block_id)["element"])


def picked(option: dict[str, Any]) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": option}


async def test_one_order_and_one_card_fill_the_form_in_and_submitting_saves(scenario: Harness) -> None:
    await run_on(scenario, f"Alice called about order #1001: please save her card `{PM}`.")

    opened = scenario.standin.calls_to("views.open")
    assert len(opened) == 1 and opened[0].ok
    assert "Looking up order #1001" in texts(opened[0].args["view"]["blocks"])
    assert opened[0].at < scenario.standin.calls_to("views.update")[0].at
    form = scenario.open_view()
    assert form["callback_id"] == "wallet_save_form" and "alice@example.com" in texts(form["blocks"])
    assert input_blocks(form) == ["card", "reason"]
    assert element(form, "card")["initial_value"] == PM
    assert scenario.sandbox.count("POST", "^/api/") == 0

    await scenario.submit(form, {"card": {"pm": PM}, "reason": {"why": "asked in #ops"}})
    await scenario.settle()
    assert "Card saved to the wallet" in texts(scenario.open_view()["blocks"])
    message = scenario.last_message()
    assert message.via == "response_url" and message.ephemeral and "saved to the wallet" in message.text
    assert [cps.payment_source_token for cps in scenario.sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_a_message_without_an_order_asks_for_it_first_and_keeps_the_card(scenario: Harness) -> None:
    await run_on(scenario, f"New card for the customer on the phone: {PM}")
    form = scenario.open_view()
    assert form["callback_id"] == "wallet_order_form" and input_blocks(form) == ["order"]
    assert element(form, "order")["type"] == "plain_text_input"
    assert PM not in json.dumps(form)  # the id rides along sealed, not in clear

    await scenario.submit(form, {"order": {"ref": "1001"}})
    await scenario.settle()
    save_form = scenario.open_view()
    assert element(save_form, "card")["initial_value"] == PM


async def test_a_message_with_nothing_to_take_is_the_global_shortcuts_form(scenario: Harness) -> None:
    await run_on(scenario, "Can someone help the customer with their order status?")
    form = scenario.open_view()
    assert form["callback_id"] == "wallet_order_form" and input_blocks(form) == ["order"]
    assert ":warning:" not in texts(form["blocks"])

    await scenario.submit(form, {"order": {"ref": "#1001"}})
    await scenario.settle()
    assert "initial_value" not in element(scenario.open_view(), "card")


async def test_several_candidates_are_picked_and_the_picked_ones_saved(scenario: Harness) -> None:
    text = "Orders #1001 and order 1007: the card is pm_card_visa or maybe *pm_card_mastercard*"
    await run_on(scenario, text)
    form = scenario.open_view()
    orders = element(form, "order")
    assert orders["type"] == "static_select"
    assert [(option["text"]["text"], option["value"]) for option in orders["options"]] == [
        ("Order #1001", "#1001"),
        ("Order #1007", "#1007"),
    ]

    await scenario.submit(form, {"order": {"ref_pick": picked(orders["options"][0])}})
    await scenario.settle()
    save_form = scenario.open_view()
    cards = element(save_form, "card")
    assert cards["type"] == "static_select"
    labels = [option["text"]["text"] for option in cards["options"]]
    assert labels == ["pm_…visa · id 1 of 2 in the message", "pm_…card · id 2 of 2 in the message"]
    shown = json.dumps(save_form)
    assert "pm_card_visa" not in shown and "pm_card_mastercard" not in shown

    await scenario.submit(save_form, {"card": {"pm_pick": picked(cards["options"][1])}})
    await scenario.settle()
    assert "Card saved to the wallet" in texts(scenario.open_view()["blocks"])
    assert [cps.payment_source_token for cps in scenario.sandbox.wallet(DEMO.alice.id)] == ["pm_card_mastercard"]


async def test_a_picked_place_the_form_never_offered_is_an_inline_error(scenario: Harness) -> None:
    await run_on(scenario, "order #1001: pm_card_visa, pm_card_mastercard")
    save_form = scenario.open_view()
    scenario.sandbox.reset_requests()
    answer = (await scenario.submit(save_form, {"card": {"pm_pick": picked({"value": "7"})}})).json()
    assert answer == {"response_action": "errors", "errors": {"card": "Pick one of the ids found in the message."}}
    assert scenario.sandbox.requests == []


async def test_what_only_looks_like_an_id_is_told_and_never_sent(scenario: Harness) -> None:
    await run_on(scenario, "order #9999, card pm_abc/def%20 and order 123456789012345678901234")
    form = scenario.open_view()
    shown = texts(form["blocks"])
    assert "Order #9999 was not found" in shown
    assert "Not taken from the message: “pm_…f%20”: A Stripe PaymentMethod id has no '%', '/' in it" in shown
    assert "“123456789012345678901234” is not an order number" in shown
    assert input_blocks(form) == ["order"]
    assert scenario.sandbox.count("POST", "^/api/") == 0
    assert not any("pm_abc" in json.dumps(request.body) + request.path for request in scenario.sandbox.requests)


async def test_a_thread_message_with_only_blocks_is_read_from_its_rich_text(scenario: Harness) -> None:
    code = {"type": "text", "text": PM, "style": {"code": True}}
    blocks = [rich_text("Save the card on #1001: ")]
    blocks[0]["elements"][0]["elements"].append(code)
    await run_on(scenario, "", blocks=blocks, thread_ts="1700000000.000100")
    assert element(scenario.open_view(), "card")["initial_value"] == PM


async def test_only_the_start_of_a_very_long_message_is_read(scenario: Harness) -> None:
    await run_on(scenario, "log line\n" * 2000 + "order #1001")
    form = scenario.open_view()
    assert input_blocks(form) == ["order"]
    assert "The message is long: only its first 10,000 characters were read." in texts(form["blocks"])


async def test_a_channel_off_the_allow_list_is_refused_before_anything_is_read(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_CHANNELS="C0OPS")
    await run_on(scenario, f"order #1001 {PM}", channel="C0ELSEWHERE")
    view = scenario.open_view()
    assert ":no_entry:" in texts(view["blocks"]) and "WALLET_ALLOWED_CHANNELS" in texts(view["blocks"])
    assert input_blocks(view) == [] and view.get("submit") is None
    assert scenario.sandbox.requests == []

    await run_on(scenario, f"order #1001 {PM}", channel="C0OPS")
    assert input_blocks(scenario.open_view()) == ["card", "reason"]


async def test_a_user_off_the_allow_list_is_refused(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")
    await run_on(scenario, "orders #1001 and #1007", user="U0OUTSIDER")
    view = scenario.open_view()
    assert "not on Wallet bot's allow-list" in texts(view["blocks"]) and input_blocks(view) == []
    assert scenario.sandbox.requests == []
