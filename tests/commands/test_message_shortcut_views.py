"""Golden dicts for the message shortcut's steps: the order picker, and the card filled in or picked."""

from __future__ import annotations

from bot.wallet import OrderRef, PaymentMethodId, Preview
from commands.plumbing.modal import FormMeta
from commands.save.views import order_form, save_form
from tests.commands.golden import OPTIONAL_REASON, ORDER, SAVED, mrkdwn, plain

PREVIEW = Preview(order=ORDER, mode="test", wallet=(SAVED,), blocker=None, payment_method_to_set=None)
META = FormMeta(channel="C0OPS", found="SEALED")
CARD_HINT = plain("Copy it from the customer's payment in the Stripe dashboard. It starts with pm_.")


def option(text: str, value: str) -> dict[str, object]:
    return {"text": plain(text), "value": value}


def test_order_picker_with_what_was_not_taken() -> None:
    choices = (OrderRef("1001", is_number=True), OrderRef("qaMAhZkZvd", is_number=False))
    view = order_form(meta=META, choices=choices, notes=["Not taken from the message: “pm_…/def”: no '/'."])
    assert view.to_dict() == {
        "type": "modal",
        "callback_id": "wallet_order_form",
        "title": plain("Save card to wallet"),
        "submit": plain("Next"),
        "close": plain("Cancel"),
        "private_metadata": '{"channel": "C0OPS", "found": "SEALED"}',
        "blocks": [
            {
                "type": "context",
                "elements": [mrkdwn(":warning: Not taken from the message: “pm_…/def”: no '/'.")],
            },
            {
                "type": "input",
                "block_id": "order",
                "label": plain("Order"),
                "hint": plain("The orders the message mentions. You'll see the order before anything changes."),
                "element": {
                    "type": "static_select",
                    "action_id": "ref_pick",
                    "placeholder": plain("Pick an order"),
                    "options": [option("Order #1001", "#1001"), option("Order qaMAhZkZvd", "qaMAhZkZvd")],
                },
            },
        ],
    }


def test_one_card_found_fills_the_input_in() -> None:
    view = save_form(PREVIEW, META, cards=[PaymentMethodId("pm_1IixtoEw0yMev2I0jGzoT9Js")]).to_dict()
    assert view["private_metadata"] == '{"channel": "C0OPS", "order": "ordPlaced1", "found": "SEALED"}'
    assert view["blocks"][-2:] == [
        {
            "type": "input",
            "block_id": "card",
            "label": plain("Stripe PaymentMethod id"),
            "hint": CARD_HINT,
            "element": {
                "type": "plain_text_input",
                "action_id": "pm",
                "placeholder": plain("pm_…"),
                "initial_value": "pm_1IixtoEw0yMev2I0jGzoT9Js",
                "max_length": 255,
            },
        },
        OPTIONAL_REASON,
    ]


def test_several_cards_found_are_picked_by_place_and_shown_shortened() -> None:
    cards = [PaymentMethodId("pm_1IixtoEw0yMev2I0jGzoT9Js"), PaymentMethodId("pm_card_visa")]
    view = save_form(PREVIEW, META, cards=cards).to_dict()
    assert view["blocks"][-2] == {
        "type": "input",
        "block_id": "card",
        "label": plain("Stripe PaymentMethod id"),
        "hint": plain("The pm_ ids the message mentions, shortened. The one picked is saved."),
        "element": {
            "type": "static_select",
            "action_id": "pm_pick",
            "placeholder": plain("Pick an id"),
            "options": [
                option("pm_…T9Js · id 1 of 2 in the message", "1"),
                option("pm_…visa · id 2 of 2 in the message", "2"),
            ],
        },
    }
