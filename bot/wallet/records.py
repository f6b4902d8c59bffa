"""What Wallet bot writes into Commerce Layer about its own changes, and reads back for /wallet history.

Every Stripe payment the bot makes, or that Commerce Layer makes at its request, carries
`reference_origin: wallet-bot` and a `metadata` record of the change: which action, who (Slack team
and user), why, and the order, customer and saved card it concerns. A removal is added to the record
of the Stripe payment the card was saved from, under "removed", when that payment is the bot's.
Commerce Layer keeps these records, so the history is the same on every process and survives restarts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.commercelayer.models import Order
from bot.wallet.results import Actor

REFERENCE_ORIGIN = "wallet-bot"  # on every Stripe payment the bot made or asked for
ACTION = "wallet_bot_action"  # "save" or "use"; a record without it is an earlier save
REMOVED = "removed"


def who(actor: Actor) -> dict[str, str]:
    """The Slack team and user of a change, and its reason when one was given."""
    record = {"slack_team_id": actor.team_id, "slack_user_id": actor.user_id}
    return {**record, "reason": actor.reason} if actor.reason else record


def change_record(action: str, actor: Actor, order: Order, card_id: str | None = None) -> dict[str, Any]:
    """The metadata of a Stripe payment made by a save, or by a use of saved card `card_id`."""
    record: dict[str, Any] = {ACTION: action, **who(actor), "order_id": order.id, "order_number": order.number}
    if order.customer is not None:
        record["customer_id"] = order.customer.id
    return {**record, "customer_payment_source_id": card_id} if card_id else record


def removal_record(actor: Actor, card_id: str) -> dict[str, Any]:
    """What is added, under REMOVED, to the record of the payment a removed card was saved from."""
    return {**who(actor), "customer_payment_source_id": card_id, "at": now_iso()}


def now_iso() -> str:
    """Commerce Layer's timestamp format, so that records sort with its own timestamps."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
