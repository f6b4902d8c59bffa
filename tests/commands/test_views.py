"""Golden dicts for the view builders: what Slack receives, block by block."""

from __future__ import annotations

import pytest
from slack_sdk.models.views import View

from bot.wallet import Card, Preview, Refused, SaveResult, WalletEntry
from commands.help import usage_blocks
from commands.plumbing.blocks import reason_input, wallet_lines
from commands.plumbing.modal import FormMeta
from commands.save.views import confirm_blocks, order_form, result_blocks, save_form
from tests.commands.golden import (
    ADDED,
    CANCEL,
    OPTIONAL_REASON,
    ORDER,
    ORDER_FIELDS,
    SAVED,
    SAVED_LINE,
    TEST_MODE,
    VISA,
    WITHIN_15_MINUTES,
    mrkdwn,
    plain,
)

PREVIEW = Preview(order=ORDER, mode="test", wallet=(SAVED,), blocker=None, payment_method_to_set=None)


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
        {"type": "section", "text": mrkdwn(f"*Current wallet* (1)\n{SAVED_LINE}")},
        TEST_MODE,
        {
            "type": "input",
            "block_id": "card",
            "label": plain("Stripe PaymentMethod id"),
            "hint": plain("Copy it from the customer's payment in the Stripe dashboard. It starts with pm_."),
            "element": {"type": "plain_text_input", "action_id": "pm", "placeholder": plain("pm_…"), "max_length": 255},
        },
        OPTIONAL_REASON,
    ]


def test_the_reason_is_required_when_the_workspace_says_so() -> None:
    assert reason_input(required=True).to_dict() == OPTIONAL_REASON | {"optional": False}


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
            CANCEL,
        ],
    }
    assert blocks[5] == WITHIN_15_MINUTES


def test_a_save_of_a_card_the_wallet_holds_says_so_before_confirm() -> None:
    held = Preview(
        order=ORDER, mode="test", wallet=(SAVED,), blocker=None, payment_method_to_set=None, already_saved=SAVED
    )
    blocks = [block.to_dict() for block in confirm_blocks(held, "pm_…4444", "SEALED")]
    assert blocks[1] == {
        "type": "context",
        "elements": [
            mrkdwn(
                ":information_source: The wallet already holds this card: *Mastercard •••• 4444 · exp 08/2028* "
                "(`cps1`). Confirming adds nothing; it only makes sure the card is there."
            )
        ],
    }


def test_result_marks_the_new_card_first() -> None:
    result = SaveResult(
        order=ORDER,
        mode="test",
        card=VISA,
        wallet=(SAVED, ADDED),
        stripe_payment_id="sp1",
        created_source=True,
        already_in_wallet=False,
    )
    assert [block.to_dict() for block in result_blocks(result)] == [
        {"type": "header", "text": plain("Card saved to the wallet")},
        {
            "type": "section",
            "text": mrkdwn(
                ":white_check_mark: Card *Visa •••• 4242 · exp 12/2030* is now in *alice@example.com*'s wallet "
                "(order #1001)."
            ),
        },
        {
            "type": "section",
            "text": mrkdwn(
                "*Wallet* (2)\n• *Visa •••• 4242 · exp 12/2030* · pm_…T9Js · added 2026-11-27 · `cps2`  :new: *added now*"
                f"\n{SAVED_LINE}"
            ),
        },
        TEST_MODE,
    ]


def test_a_long_wallet_ends_with_and_n_more() -> None:
    entries = [WalletEntry(id=f"cps{n}", card=Card("pm_…0000", name="X" * 60), created_at=None) for n in range(120)]
    blocks = [block.to_dict() for block in wallet_lines(entries)]
    assert blocks[-1] == {"type": "context", "elements": [mrkdwn("…and 100 more.")]}
    assert len(blocks[0]["text"]["text"]) <= 3000


@pytest.mark.parametrize("name", ["<!channel>", "a&b", "<https://evil.example|click>"])
def test_customer_data_is_escaped(name: str) -> None:
    entry = WalletEntry(id="cps1", card=Card("pm_…0000", name=name), created_at=None)
    text = wallet_lines([entry])[0].to_dict()["text"]["text"]
    assert name not in text
    assert "&lt;" in text or "&amp;" in text


@pytest.mark.parametrize(
    ("card", "line"),
    [
        (VISA, "• *Visa •••• 4242 · exp 12/2030* · pm_…T9Js · added unknown date · `cps9`"),
        (
            Card("pm_…1111", name="XXXX-XXXX-XXXX-1111"),
            "• *XXXX-XXXX-XXXX-1111* · pm_…1111 · added unknown date · `cps9`",
        ),
        (Card("pm_…1111"), "• *pm_…1111* · added unknown date · `cps9`"),
        (
            Card("pm_…1111", "amex", "0005", name="XXXX-XXXXXX-X0005"),
            "• *American Express •••• 0005* · pm_…1111 · added unknown date · `cps9`",
        ),
    ],
    ids=["brand, last 4 and expiry", "Commerce Layer's name", "the masked id", "no expiry"],
)
def test_a_card_is_told_by_its_details_then_its_name_then_its_masked_id(card: Card, line: str) -> None:
    entry = WalletEntry(id="cps9", card=card, created_at=None)
    assert wallet_lines([entry])[0].to_dict()["text"]["text"] == f"*Saved payment sources* (1)\n{line}"


def test_two_entries_of_the_same_card_are_flagged() -> None:
    twins = [WalletEntry(id="cpsA", card=VISA, created_at=None, duplicate_of="cpsB"), SAVED]
    text = wallet_lines(twins)[0].to_dict()["text"]["text"]
    assert "`cpsA`  :warning: same card as `cpsB`: likely a duplicate" in text
    assert text.count("duplicate") == 1


def test_every_modal_builder_passes_slack_sdk_validation() -> None:
    for view in (order_form(problem="x" * 5000), save_form(PREVIEW, FormMeta(order="o" * 100))):
        assert isinstance(view, View)
        view.validate_json()
