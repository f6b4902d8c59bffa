"""`/wallet save <order>`, the global shortcut and the help button: the save modal."""

from __future__ import annotations

from bot.sandbox import DEMO, FaultKind
from tests.slack.harness import Harness
from tests.slack.helpers import button, input_blocks, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def open_save_form(slack: Harness, order: str = "1001") -> dict[str, object]:
    reply = await slack.command(f"save {order}")
    assert reply.status == 200 and reply.body == ""
    await slack.settle()
    return slack.open_view()


async def test_the_modal_opens_at_once_then_shows_the_order(slack: Harness) -> None:
    view = await open_save_form(slack)
    opened = slack.standin.calls_to("views.open")
    assert len(opened) == 1 and opened[0].ok
    assert "Looking up order #1001" in texts(opened[0].args["view"]["blocks"])
    assert opened[0].at < slack.standin.calls_to("views.update")[0].at
    shown = texts(view["blocks"])  # type: ignore[arg-type]
    assert "alice@example.com" in shown and "€57,00" in shown and "Current wallet" in shown
    assert input_blocks(view) == ["card"]  # type: ignore[arg-type]
    assert slack.sandbox.count("POST", "^/api/") == 0


async def test_a_malformed_card_is_an_inline_error_and_nothing_is_sent(slack: Harness) -> None:
    view = await open_save_form(slack)
    slack.sandbox.reset_requests()
    for bad, named in (("card_123", "should start with pm_"), ("pm_abc/def", "'/'"), ("", "is needed")):
        reply = await slack.submit(view, {"card": {"pm": bad}})  # type: ignore[arg-type]
        answer = reply.json()
        assert answer["response_action"] == "errors"
        assert named in answer["errors"]["card"]
    assert slack.sandbox.requests == []


async def test_submitting_a_card_saves_it_and_reports_in_modal_and_channel(slack: Harness) -> None:
    view = await open_save_form(slack)
    reply = await slack.submit(view, {"card": {"pm": PM}})  # type: ignore[arg-type]
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert "Saving card pm_…T9Js" in texts(answer["view"]["blocks"])
    await slack.settle()

    result = slack.open_view()
    assert "Card saved to the wallet" in texts(result["blocks"])
    message = slack.last_message()
    assert message.via == "response_url" and message.ephemeral
    assert "saved to the wallet" in message.text
    assert [cps.payment_source_token for cps in slack.sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_a_failure_half_way_says_what_changed_and_what_to_do(slack: Harness) -> None:
    view = await open_save_form(slack)
    slack.sandbox.inject_fault("PATCH", r"^/api/orders/", FaultKind.STATUS, status=500, times=None)
    await slack.submit(view, {"card": {"pm": PM}})  # type: ignore[arg-type]
    await slack.settle()

    shown = texts(slack.open_view()["blocks"])
    assert "saving it to the customer" in shown
    assert "*Changed:*" in shown and "was created" in shown
    assert "*Not changed:*" in shown and "not in the customer" in shown
    assert "Run the same command again to finish" in shown
    assert "Run the same command again to finish" in slack.last_message().text

    slack.sandbox.clear_faults()
    view = await open_save_form(slack)
    await slack.submit(view, {"card": {"pm": PM}})  # type: ignore[arg-type]
    await slack.settle()
    assert "Card saved to the wallet" in texts(slack.open_view()["blocks"])
    assert len(slack.sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_refused_order_shows_why_and_offers_no_input(slack: Harness) -> None:
    view = await open_save_form(slack, "1005")
    assert "cancelled" in texts(view["blocks"])  # type: ignore[arg-type]
    assert input_blocks(view) == []  # type: ignore[arg-type]
    assert view.get("submit") is None


async def test_an_unknown_order_is_reported_in_the_modal(slack: Harness) -> None:
    view = await open_save_form(slack, "9999")
    assert "Order #9999 was not found" in texts(view["blocks"])  # type: ignore[arg-type]


async def test_the_shortcut_asks_for_the_order_first(slack: Harness) -> None:
    reply = await slack.shortcut()
    assert reply.status == 200
    await slack.settle()
    form = slack.open_view()
    assert form["callback_id"] == "wallet_order_form" and input_blocks(form) == ["order"]

    bad = (await slack.submit(form, {"order": {"ref": "../etc"}})).json()
    assert bad["response_action"] == "errors" and "not an order number" in bad["errors"]["order"]

    step = (await slack.submit(form, {"order": {"ref": "#1001"}})).json()
    assert step["response_action"] == "update"
    await slack.settle()
    save_form = slack.open_view()
    assert input_blocks(save_form) == ["card"]

    await slack.submit(save_form, {"card": {"pm": PM}})
    await slack.settle()
    assert "Card saved to the wallet" in texts(slack.open_view()["blocks"])


async def test_the_shortcut_goes_back_to_the_order_step_when_the_order_is_unknown(slack: Harness) -> None:
    await slack.shortcut()
    await slack.settle()
    form = slack.open_view()
    await slack.submit(form, {"order": {"ref": "9999"}})
    await slack.settle()
    back = slack.open_view()
    assert input_blocks(back) == ["order"]
    assert "Order #9999 was not found" in texts(back["blocks"])


async def test_the_help_button_opens_the_order_form(slack: Harness) -> None:
    reply = await slack.command("help")
    value = button(reply.json()["blocks"], "wallet_open_form")
    await slack.press("wallet_open_form", value.get("value", ""), response_url=reply.response_url)
    await slack.settle()
    assert slack.open_view()["callback_id"] == "wallet_order_form"
