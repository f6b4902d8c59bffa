"""`/wallet save <order>`, the global shortcut and the help button: the save modal."""

from __future__ import annotations

from typing import Any

from bot.sandbox import DEMO, FaultKind
from tests.support.harness import Harness
from tests.support.reading import button, input_blocks, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def open_save_form(scenario: Harness, order: str = "1001") -> dict[str, Any]:
    reply = await scenario.command(f"save {order}")
    assert reply.status == 200 and reply.body == ""
    await scenario.settle()
    return scenario.open_view()


async def test_the_modal_opens_at_once_then_shows_the_order(scenario: Harness) -> None:
    view = await open_save_form(scenario)
    opened = scenario.standin.calls_to("views.open")
    assert len(opened) == 1 and opened[0].ok
    assert "Looking up order #1001" in texts(opened[0].args["view"]["blocks"])
    assert opened[0].at < scenario.standin.calls_to("views.update")[0].at
    shown = texts(view["blocks"])
    assert "alice@example.com" in shown and "€57,00" in shown and "Current wallet" in shown
    assert input_blocks(view) == ["card", "reason"]
    assert scenario.sandbox.count("POST", "^/api/") == 0


async def test_a_malformed_card_is_an_inline_error_and_nothing_is_sent(scenario: Harness) -> None:
    view = await open_save_form(scenario)
    scenario.sandbox.reset_requests()
    for bad, named in (("card_123", "should start with pm_"), ("pm_abc/def", "'/'"), ("", "is needed")):
        reply = await scenario.submit(view, {"card": {"pm": bad}})
        answer = reply.json()
        assert answer["response_action"] == "errors"
        assert named in answer["errors"]["card"]
    assert scenario.sandbox.requests == []


async def test_submitting_a_card_saves_it_and_reports_in_modal_and_channel(scenario: Harness) -> None:
    view = await open_save_form(scenario)
    reply = await scenario.submit(view, {"card": {"pm": PM}})
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert "Saving card pm_…T9Js" in texts(answer["view"]["blocks"])
    await scenario.settle()

    result = scenario.open_view()
    assert "Card saved to the wallet" in texts(result["blocks"])
    message = scenario.last_message()
    assert message.via == "response_url" and message.ephemeral
    assert "saved to the wallet" in message.text
    assert [cps.payment_source_token for cps in scenario.sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_a_failure_half_way_says_what_changed_and_what_to_do(scenario: Harness) -> None:
    view = await open_save_form(scenario)
    scenario.sandbox.inject_fault("PATCH", r"^/api/orders/", FaultKind.STATUS, status=500, times=None)
    await scenario.submit(view, {"card": {"pm": PM}})
    await scenario.settle()

    shown = texts(scenario.open_view()["blocks"])
    assert "saving it to the customer" in shown
    assert "*Changed:*" in shown and "was created" in shown
    assert "*Not changed:*" in shown and "not in the customer" in shown
    assert "Run the same command again to finish" in shown
    assert "Run the same command again to finish" in scenario.last_message().text

    scenario.sandbox.clear_faults()
    view = await open_save_form(scenario)
    await scenario.submit(view, {"card": {"pm": PM}})
    await scenario.settle()
    assert "Card saved to the wallet" in texts(scenario.open_view()["blocks"])
    assert len(scenario.sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_refused_order_shows_why_and_offers_no_input(scenario: Harness) -> None:
    view = await open_save_form(scenario, "1005")
    assert "cancelled" in texts(view["blocks"])
    assert input_blocks(view) == []
    assert view.get("submit") is None


async def test_an_unknown_order_is_reported_in_the_modal(scenario: Harness) -> None:
    view = await open_save_form(scenario, "9999")
    assert "Order #9999 was not found" in texts(view["blocks"])


async def test_the_shortcut_asks_for_the_order_first(scenario: Harness) -> None:
    reply = await scenario.shortcut()
    assert reply.status == 200
    await scenario.settle()
    form = scenario.open_view()
    assert form["callback_id"] == "wallet_order_form" and input_blocks(form) == ["order"]

    bad = (await scenario.submit(form, {"order": {"ref": "../etc"}})).json()
    assert bad["response_action"] == "errors" and "not an order number" in bad["errors"]["order"]

    step = (await scenario.submit(form, {"order": {"ref": "#1001"}})).json()
    assert step["response_action"] == "update"
    await scenario.settle()
    save_form = scenario.open_view()
    assert input_blocks(save_form) == ["card", "reason"]

    await scenario.submit(save_form, {"card": {"pm": PM}})
    await scenario.settle()
    assert "Card saved to the wallet" in texts(scenario.open_view()["blocks"])


async def test_the_shortcut_goes_back_to_the_order_step_when_the_order_is_unknown(scenario: Harness) -> None:
    await scenario.shortcut()
    await scenario.settle()
    form = scenario.open_view()
    await scenario.submit(form, {"order": {"ref": "9999"}})
    await scenario.settle()
    back = scenario.open_view()
    assert input_blocks(back) == ["order"]
    assert "Order #9999 was not found" in texts(back["blocks"])


async def test_the_help_button_opens_the_order_form(scenario: Harness) -> None:
    reply = await scenario.command("help")
    value = button(reply.json()["blocks"], "wallet_open_form")
    await scenario.press("wallet_open_form", value.get("value", ""), response_url=reply.response_url)
    await scenario.settle()
    assert scenario.open_view()["callback_id"] == "wallet_order_form"
