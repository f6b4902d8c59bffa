"""What the golden view tests share: an order, saved cards, and Block Kit's JSON as Slack receives it."""

from __future__ import annotations

from typing import Any

from bot.commercelayer.models import Customer, Order, PaymentMethod
from bot.wallet import Card, WalletEntry

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
MASTERCARD = Card("pm_…4444", "mastercard", "4444", 8, 2028, "XXXX-XXXX-XXXX-4444")
VISA = Card("pm_…T9Js", "visa", "4242", 12, 2030, "XXXX-XXXX-XXXX-4242")
SAVED = WalletEntry(id="cps1", card=MASTERCARD, created_at="2024-01-15T10:00:00Z")
ADDED = WalletEntry(id="cps2", card=VISA, created_at="2026-11-27T08:00:00Z", added=True)
SAVED_LINE = "• *Mastercard •••• 4444 · exp 08/2028* · pm_…4444 · added 2024-01-15 · `cps1`"


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def order_fields(number: str = "1001", status: str = "placed · authorized", source: str = "none yet") -> dict[str, Any]:
    return {
        "type": "section",
        "fields": [
            mrkdwn(f"*Order*\n#{number} · {status}"),
            mrkdwn("*Customer*\nalice@example.com"),
            mrkdwn("*Total*\n€57,00"),
            mrkdwn("*Payment method*\nStripe card"),
            mrkdwn(f"*Payment source*\n{source}"),
        ],
    }


ORDER_FIELDS = order_fields()
TEST_MODE = {"type": "context", "elements": [mrkdwn("Commerce Layer *test* mode")]}
WITHIN_15_MINUTES = {"type": "context", "elements": [mrkdwn("Confirm within 15 minutes.")]}
CANCEL = {"type": "button", "action_id": "wallet_cancel", "text": plain("Cancel"), "value": "cancel"}
OPTIONAL_REASON = {
    "type": "input",
    "block_id": "reason",
    "label": plain("Reason"),
    "optional": True,
    "hint": plain("Why this change: it is recorded with your name in the audit trail and in Commerce Layer."),
    "element": {
        "type": "plain_text_input",
        "action_id": "why",
        "placeholder": plain("e.g. customer asked by phone"),
        "max_length": 200,
    },
}
