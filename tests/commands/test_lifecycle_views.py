"""Golden dicts for the views of `/wallet use`, `/wallet remove` and `/wallet history`."""

from __future__ import annotations

from dataclasses import replace

from slack_sdk.models.views import View

from bot.commercelayer.models import CardDetails, PaymentSource
from bot.wallet import (
    Card,
    HistoryEvent,
    HistoryResult,
    Refused,
    RemovePreview,
    RemoveResult,
    UsePreview,
    UseResult,
    WalletEntry,
)
from commands.history import history_blocks
from commands.plumbing.modal import FormMeta
from commands.remove.views import confirm_blocks as remove_confirm
from commands.remove.views import result_blocks as remove_result
from commands.use.views import STATIC_SELECT_LIMIT, use_form
from commands.use.views import confirm_blocks as use_confirm
from commands.use.views import result_blocks as use_result
from tests.commands.golden import (
    CANCEL,
    MASTERCARD,
    OPTIONAL_REASON,
    ORDER,
    SAVED,
    SAVED_LINE,
    TEST_MODE,
    VISA,
    WITHIN_15_MINUTES,
    mrkdwn,
    order_fields,
    plain,
)

PENDING = ORDER.model_copy(
    update={"id": "ordBobPnd9", "number": "1009", "status": "pending", "payment_status": "unpaid"}
)
PENDING_FIELDS = order_fields("1009", "pending · unpaid")
USE = UsePreview(PENDING, "test", (SAVED,), SAVED, None, None)
TWIN = WalletEntry(id="cps3", card=VISA, created_at="2024-01-15T10:00:00Z", duplicate_of="cps4")


def dicts(blocks: list[object]) -> list[dict[str, object]]:
    return [block.to_dict() for block in blocks]  # type: ignore[attr-defined]


def test_use_confirm_message() -> None:
    assert dicts(use_confirm(USE, "SEALED")) == [
        {
            "type": "section",
            "text": mrkdwn("Use *Mastercard •••• 4444 · exp 08/2028* on order *#1009* of *alice@example.com*?"),
        },
        PENDING_FIELDS,
        {
            "type": "section",
            "text": mrkdwn(
                "*Payment source after*\nStripe payment · Mastercard •••• 4444 · exp 08/2028, from saved card `cps1`"
            ),
        },
        {
            "type": "actions",
            "block_id": "wallet_use_confirm",
            "elements": [
                {
                    "type": "button",
                    "action_id": "wallet_use_confirm",
                    "text": plain("Confirm"),
                    "style": "primary",
                    "value": "SEALED",
                    "confirm": {
                        "title": plain("Use this card?"),
                        "text": mrkdwn(
                            "Charge order #1009 on Mastercard •••• 4444 · exp 08/2028, saved in alice@example.com's wallet?"
                        ),
                        "confirm": plain("Use card"),
                        "deny": plain("Back"),
                    },
                },
                CANCEL,
            ],
        },
        WITHIN_15_MINUTES,
        TEST_MODE,
    ]


def test_a_refused_use_lists_the_wallet_and_offers_no_button() -> None:
    refusal = Refused("Order #1001 is placed.", next_step="Use a pending order.")
    blocks = dicts(use_confirm(UsePreview(ORDER, "test", (SAVED,), None, refusal, None), ""))
    assert blocks == [
        order_fields(),
        {
            "type": "section",
            "text": mrkdwn(
                ":x: Order #1001 is placed.\n*Not changed:* Nothing was changed in Commerce Layer.\n*Next:* Use a pending order."
            ),
        },
        {"type": "section", "text": mrkdwn(f"*Wallet* (1)\n{SAVED_LINE}")},
        TEST_MODE,
    ]


def test_use_form_with_its_static_picker() -> None:
    preview = UsePreview(PENDING, "test", (SAVED, TWIN), None, None, None)
    view = use_form(preview, FormMeta(channel="C0OPS")).to_dict()
    assert (view["callback_id"], view["submit"], view["title"]) == (
        "wallet_use_form",
        plain("Use card"),
        plain("Use a saved card"),
    )
    assert view["private_metadata"] == '{"channel": "C0OPS", "order": "ordBobPnd9", "customer": "cusAlice01"}'
    assert view["blocks"] == [
        PENDING_FIELDS,
        {
            "type": "input",
            "block_id": "saved_card",
            "label": plain("Saved card"),
            "hint": plain("The customer's 2 saved Stripe cards, newest last. It becomes the order's payment source."),
            "element": {
                "type": "static_select",
                "action_id": "pick",
                "placeholder": plain("Pick a card"),
                "options": [
                    {"text": plain("Mastercard •••• 4444 · exp 08/2028 · added 2024-01-15"), "value": "cps1"},
                    {
                        "text": plain("Visa •••• 4242 · exp 12/2030 · added 2024-01-15 · cps3 · duplicate?"),
                        "value": "cps3",
                    },
                ],
            },
        },
        OPTIONAL_REASON,
        TEST_MODE,
    ]


def test_a_wallet_too_large_for_a_static_select_gets_an_external_one() -> None:
    wallet = tuple(replace(SAVED, id=f"cps{n}") for n in range(STATIC_SELECT_LIMIT + 1))
    view = use_form(UsePreview(PENDING, "test", wallet, None, None, None), FormMeta())
    assert view.to_dict()["blocks"][1]["element"] == {
        "type": "external_select",
        "action_id": "pick",
        "placeholder": plain("Type its last 4 digits or its brand"),
        "min_query_length": 1,
    }
    assert isinstance(view, View)
    view.validate_json()


def test_use_result_shows_the_order_as_read_back() -> None:
    source = PaymentSource(
        id="sp9",
        type="stripe_payments",
        options={"payment_method": "pm_…4444"},
        card=CardDetails(brand="mastercard", last4="4444", exp_month=8, exp_year=2028),
    )
    result = UseResult(
        PENDING.model_copy(update={"payment_source": source}), "test", SAVED, None, None, already=False, recorded=False
    )
    assert dicts(use_result(result)) == [
        {"type": "header", "text": plain("Saved card set on the order")},
        {
            "type": "section",
            "text": mrkdwn(
                ":white_check_mark: Order #1009 of *alice@example.com* will be charged on *Mastercard •••• 4444 · exp 08/2028*."
            ),
        },
        {
            "type": "section",
            "fields": [
                mrkdwn("*Payment source before*\nnone"),
                mrkdwn("*Now, as Commerce Layer has it*\nStripe payment · Mastercard •••• 4444 · exp 08/2028"),
            ],
        },
        {
            "type": "context",
            "elements": [
                mrkdwn("Commerce Layer's record of this change could not be tagged: /wallet history won't list it.")
            ],
        },
        TEST_MODE,
    ]


def test_remove_confirm_is_destructive_with_slacks_dialog() -> None:
    preview = RemovePreview("cusErin001", "erin@example.com", "test", (TWIN,), TWIN, None)
    blocks = dicts(remove_confirm(preview, "SEALED"))
    assert blocks[0] == {
        "type": "section",
        "text": mrkdwn("Remove *Visa •••• 4242 · exp 12/2030* (`cps3`) from *erin@example.com*'s wallet?"),
    }
    assert blocks[2] == {
        "type": "context",
        "elements": [mrkdwn(":warning: The wallet holds this card twice: `cps4` stays.")],
    }
    assert blocks[4] == {
        "type": "actions",
        "block_id": "wallet_remove_confirm",
        "elements": [
            {
                "type": "button",
                "action_id": "wallet_remove_confirm",
                "text": plain("Remove card"),
                "style": "danger",
                "value": "SEALED",
                "confirm": {
                    "title": plain("Remove this card?"),
                    "text": mrkdwn(
                        "Remove Visa •••• 4242 · exp 12/2030 from erin@example.com's wallet? It can't be picked for an order any more."
                    ),
                    "confirm": plain("Remove card"),
                    "deny": plain("Back"),
                    "style": "danger",
                },
            },
            CANCEL,
        ],
    }


def test_remove_results() -> None:
    removed = RemoveResult("cusErin001", "erin@example.com", "test", TWIN, (SAVED,), already_gone=False, recorded=True)
    assert dicts(remove_result(removed))[:2] == [
        {"type": "header", "text": plain("Card removed from the wallet")},
        {
            "type": "section",
            "text": mrkdwn(
                ":white_check_mark: *Visa •••• 4242 · exp 12/2030* is no longer in *erin@example.com*'s wallet; the card itself stays stored in Stripe."
            ),
        },
    ]
    gone = replace(removed, card=WalletEntry(id="cps3", card=Card("unknown card"), created_at=None), already_gone=True)
    assert dicts(remove_result(gone))[1] == {
        "type": "section",
        "text": mrkdwn("Saved card `cps3` was no longer in *erin@example.com*'s wallet: nothing was sent."),
    }


def test_history_lines() -> None:
    events = (
        HistoryEvent(
            "remove",
            "2026-11-27T09:15:00.000Z",
            "T1",
            "U0SAM",
            "1001",
            "alice@example.com",
            VISA,
            "removed from the wallet",
            "duplicate",
        ),
        HistoryEvent(
            "save",
            "2026-11-27T08:00:00.000Z",
            "T1",
            "U0ALEX",
            "1001",
            "alice@example.com",
            MASTERCARD,
            "saved to the wallet",
        ),
    )
    assert dicts(history_blocks(HistoryResult("for alice@example.com", "test", events, more=True))) == [
        {"type": "section", "text": mrkdwn("*Wallet bot history* for alice@example.com")},
        {
            "type": "section",
            "text": mrkdwn(
                "• 2026-11-27 09:15 UTC · <@U0SAM> removed *Visa •••• 4242 · exp 12/2030* saved through order #1001 of "
                "alice@example.com · removed from the wallet\n      _“duplicate”_\n"
                "• 2026-11-27 08:00 UTC · <@U0ALEX> saved *Mastercard •••• 4444 · exp 08/2028* through order #1001 of "
                "alice@example.com · saved to the wallet"
            ),
        },
        {
            "type": "context",
            "elements": [
                mrkdwn(
                    "Newest first, from Commerce Layer's records of Wallet bot's changes. Older changes are not shown: "
                    "narrow it to an order, a customer or a person."
                )
            ],
        },
        TEST_MODE,
    ]


def test_an_empty_history_says_what_would_show() -> None:
    assert dicts(history_blocks(HistoryResult("by <@U0SAM>", "test", (), more=False)))[:2] == [
        {"type": "section", "text": mrkdwn("No change by Wallet bot is recorded by <@U0SAM>.")},
        {
            "type": "context",
            "elements": [mrkdwn("Saves, uses and removals made with Wallet bot appear here, newest first.")],
        },
    ]


def test_a_long_history_is_split_under_slacks_section_limit() -> None:
    event = HistoryEvent(
        "use",
        "2026-11-27T08:00:00.000Z",
        "T1",
        "U0ALEX",
        "1009",
        "x" * 150,
        VISA,
        "became the order's payment source",
        "y" * 200,
    )
    blocks = dicts(history_blocks(HistoryResult("", "test", (event,) * 20, more=False)))
    sections = [block["text"]["text"] for block in blocks if block["type"] == "section"]  # type: ignore[index]
    assert len(sections) > 2 and all(len(text) <= 3000 for text in sections)
