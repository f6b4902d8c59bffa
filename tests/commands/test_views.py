"""Golden dicts for the view builders: what Slack receives, block by block."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.commercelayer.models import Customer, Order, PaymentMethod
from bot.wallet import Preview, Refused, SaveResult, WalletEntry
from commands.help import usage_blocks
from commands.plumbing.blocks import wallet_lines
from commands.save.views import FormMeta, confirm_blocks, order_form, result_blocks, save_form

ORDER = Order(
    id="ordPlaced1",
    number="1001",
    status="placed",
    payment_status="authorized",
    customer_email="alice@example.com",
    total="€57,00",
    customer=Customer(id="cusAlice01", email="alice@example.com"),
    payment_method=PaymentMethod(id="pmStripe01", name="Stripe card", payment_source_type="stripe_payments"),
)
SAVED = WalletEntry(id="cps1", name="XXXX-XXXX-XXXX-4444", card="pm_…4444", created_at="2024-01-15T10:00:00Z")
ADDED = WalletEntry(
    id="cps2", name="XXXX-XXXX-XXXX-4242", card="pm_…T9Js", created_at="2026-11-27T08:00:00Z", added=True
)
PREVIEW = Preview(order=ORDER, mode="test", wallet=(SAVED,), blocker=None, payment_method_to_set=None)


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


ORDER_FIELDS = {
    "type": "section",
    "fields": [
        mrkdwn("*Order*\n#1001 · placed · authorized"),
        mrkdwn("*Customer*\nalice@example.com"),
        mrkdwn("*Total*\n€57,00"),
        mrkdwn("*Payment method*\nStripe card"),
        mrkdwn("*Payment source*\nnone yet"),
    ],
}
TEST_MODE = {"type": "context", "elements": [mrkdwn("Commerce Layer *test* mode")]}


def test_usage_names_the_problem_first() -> None:
    blocks = [block.to_dict() for block in usage_blocks("“x” is not a /wallet command.")]
    assert blocks[0] == {"type": "section", "text": mrkdwn(":warning: “x” is not a /wallet command.")}
    assert blocks[2] == {
        "type": "actions",
        "block_id": "wallet_help",
        "elements": [
            {"type": "button", "action_id": "wallet_open_form", "style": "primary", "text": plain("Open the save form")}
        ],
    }
    assert blocks[3] == {"type": "context", "elements": [mrkdwn("Replies are only visible to you.")]}


def test_order_form() -> None:
    assert order_form(channel_id="C0OPS").to_dict() == {
        "type": "modal",
        "callback_id": "wallet_order_form",
        "title": plain("Save card to wallet"),
        "submit": plain("Next"),
        "close": plain("Cancel"),
        "private_metadata": '{"channel": "C0OPS"}',
        "blocks": [
            {
                "type": "input",
                "block_id": "order",
                "label": plain("Order"),
                "hint": plain(
                    "Its number (1001 or #1001) or its Commerce Layer id. You'll see the order before anything changes."
                ),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "ref",
                    "placeholder": plain("1001"),
                    "max_length": 64,
                },
            }
        ],
    }


def test_save_form_carries_the_order_and_asks_for_the_card() -> None:
    view = save_form(PREVIEW, FormMeta(channel="C0OPS", response_url="https://hooks.example/1")).to_dict()
    assert view["callback_id"] == "wallet_save_form"
    assert view["submit"] == plain("Save card")
    assert view["private_metadata"] == (
        '{"channel": "C0OPS", "response_url": "https://hooks.example/1", "order": "ordPlaced1"}'
    )
    assert view["blocks"] == [
        ORDER_FIELDS,
        {
            "type": "section",
            "text": mrkdwn("*Current wallet* (1)\n• *XXXX-XXXX-XXXX-4444* · pm_…4444 · added 2024-01-15 · `cps1`"),
        },
        TEST_MODE,
        {
            "type": "input",
            "block_id": "card",
            "label": plain("Stripe PaymentMethod id"),
            "hint": plain("Copy it from the customer's payment in the Stripe dashboard. It starts with pm_."),
            "element": {"type": "plain_text_input", "action_id": "pm", "placeholder": plain("pm_…"), "max_length": 255},
        },
    ]


def test_save_form_of_a_refused_order_has_no_input_and_no_submit() -> None:
    refusal = Refused("Order #1001 is cancelled.", next_step="Use another order.")
    view = save_form(
        Preview(order=ORDER, mode="test", wallet=(), blocker=refusal, payment_method_to_set=None), FormMeta()
    ).to_dict()
    assert "submit" not in view
    assert view["close"] == plain("Close")
    assert view["blocks"][-1] == {
        "type": "section",
        "text": mrkdwn(
            ":x: Order #1001 is cancelled.\n*Not changed:* Nothing was changed in Commerce Layer.\n*Next:* Use another order."
        ),
    }


def test_confirm_message() -> None:
    blocks = [block.to_dict() for block in confirm_blocks(PREVIEW, "pm_…T9Js", "SEALED")]
    assert blocks[0] == {
        "type": "section",
        "text": mrkdwn("Save card *pm_…T9Js* to the wallet of *alice@example.com*?"),
    }
    assert blocks[1] == ORDER_FIELDS
    assert blocks[4] == {
        "type": "actions",
        "block_id": "wallet_confirm",
        "elements": [
            {
                "type": "button",
                "action_id": "wallet_confirm",
                "text": plain("Confirm"),
                "style": "primary",
                "value": "SEALED",
                "confirm": {
                    "title": plain("Save this card?"),
                    "text": mrkdwn("Save pm_…T9Js to alice@example.com's wallet through order #1001?"),
                    "confirm": plain("Save card"),
                    "deny": plain("Back"),
                },
            },
            {"type": "button", "action_id": "wallet_cancel", "text": plain("Cancel"), "value": "cancel"},
        ],
    }
    assert blocks[5] == {"type": "context", "elements": [mrkdwn("Confirm within 15 minutes.")]}


def test_result_marks_the_new_card_first() -> None:
    result = SaveResult(
        order=ORDER,
        mode="test",
        card="pm_…T9Js",
        wallet=(SAVED, ADDED),
        stripe_payment_id="sp1",
        created_source=True,
        already_in_wallet=False,
    )
    assert [block.to_dict() for block in result_blocks(result)] == [
        {"type": "header", "text": plain("Card saved to the wallet")},
        {
            "type": "section",
            "text": mrkdwn(":white_check_mark: Card *pm_…T9Js* is now in *alice@example.com*'s wallet (order #1001)."),
        },
        {
            "type": "section",
            "text": mrkdwn(
                "*Wallet* (2)\n• *XXXX-XXXX-XXXX-4242* · pm_…T9Js · added 2026-11-27 · `cps2`  :new: *added now*"
                "\n• *XXXX-XXXX-XXXX-4444* · pm_…4444 · added 2024-01-15 · `cps1`"
            ),
        },
        TEST_MODE,
    ]


def test_a_long_wallet_ends_with_and_n_more() -> None:
    entries = [WalletEntry(id=f"cps{n}", name="X" * 60, card="pm_…0000", created_at=None) for n in range(120)]
    blocks = [block.to_dict() for block in wallet_lines(entries)]
    assert blocks[-1] == {"type": "context", "elements": [mrkdwn("…and 100 more.")]}
    assert len(blocks[0]["text"]["text"]) <= 3000


@pytest.mark.parametrize("name", ["<!channel>", "a&b", "<https://evil.example|click>"])
def test_customer_data_is_escaped(name: str) -> None:
    entry = WalletEntry(id="cps1", name=name, card="pm_…0000", created_at=None)
    text = wallet_lines([entry])[0].to_dict()["text"]["text"]
    assert name not in text
    assert "&lt;" in text or "&amp;" in text


def test_every_modal_builder_passes_slack_sdk_validation() -> None:
    for view in (order_form(problem="x" * 5000), save_form(PREVIEW, FormMeta(order="o" * 100))):
        assert isinstance(view, View)
        view.validate_json()
