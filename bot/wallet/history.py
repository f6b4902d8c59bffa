"""What Wallet bot changed, newest first, read from the records it leaves in Commerce Layer (records.py).

One list request, `GET /api/stripe_payments?filter[q][reference_origin_eq]=wallet-bot&sort=-updated_at
&include=order`, narrowed by `filter[q][metadata_jcont]` to an order, a customer or a Slack user; one
more request tells whether each saved card is still in its wallet. What it can't show (changes made
outside Wallet bot, removals of cards it did not save) is said in the README.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.commercelayer import CommerceLayer, CommerceLayerError, api_path
from bot.commercelayer.jsonapi import Document, ResourceObject
from bot.commercelayer.models import PaymentSource
from bot.wallet.errors import unreachable
from bot.wallet.lookups import find_customer, read_order
from bot.wallet.records import ACTION, REFERENCE_ORIGIN, REMOVED
from bot.wallet.refs import EmailRef, HistoryRef, UserRef
from bot.wallet.results import Card, HistoryEvent, HistoryResult

RECORDS = 25  # one page, Commerce Layer's largest: the most recently changed records
SHOWN = 20


@dataclass(frozen=True)
class _Scope:
    title: str
    filters: tuple[dict[str, Any], ...]  # one request per metadata_jcont filter; () reads everything
    user_id: str | None = None  # only this user's changes


async def read_history(cl: CommerceLayer, ref: HistoryRef | None) -> HistoryResult:
    scope = await _scope(cl, ref)
    try:
        docs = await asyncio.gather(*(_records(cl, jcont) for jcont in scope.filters or (None,)))
        mode = await cl.mode()
    except CommerceLayerError as error:
        raise unreachable(error, "read Wallet bot's records") from None
    records = _unique(record for doc in docs for record in _payments(doc))
    in_wallets = await _tokens_in_wallets(cl, records)
    events = [event for record in records for event in _events(record, in_wallets)]
    if scope.user_id is not None:
        events = [event for event in events if event.user_id == scope.user_id]
    events.sort(key=lambda event: event.at or "", reverse=True)
    more = any(int(doc.meta.get("record_count") or 0) > RECORDS for doc in docs) or len(events) > SHOWN
    return HistoryResult(scope.title, mode, tuple(events[:SHOWN]), more)


async def read_recent(cl: CommerceLayer, user_id: str, shown: int) -> HistoryResult:
    """The latest changes saved or used by one Slack user, in one request: the App Home's list.

    Cheaper than `read_history` for that user: no second request for the records of removals they
    made of others' saves, nor for whether each saved card is still in its wallet.
    """
    try:
        doc = await _records(cl, {"slack_user_id": user_id}, page=shown)
        mode = await cl.mode()
    except CommerceLayerError as error:
        raise unreachable(error, "read Wallet bot's records") from None
    events = [event for record in _payments(doc) for event in _events(record, None) if event.user_id == user_id]
    events.sort(key=lambda event: event.at or "", reverse=True)
    more = int(doc.meta.get("record_count") or 0) > shown or len(events) > shown
    return HistoryResult(f"by <@{user_id}>", mode, tuple(events[:shown]), more)


async def _scope(cl: CommerceLayer, ref: HistoryRef | None) -> _Scope:
    if ref is None:
        return _Scope("", ())
    if isinstance(ref, UserRef):
        mine = {"slack_user_id": ref.user_id}
        return _Scope(f"by {ref}", (mine, {REMOVED: mine}), ref.user_id)
    if isinstance(ref, EmailRef):
        customer, _ = await find_customer(cl, ref)
        return _Scope(f"for {ref.value}", ({"customer_id": customer.id},))
    order, _ = await read_order(cl, ref)
    return _Scope(f"for order #{order.number}", ({"order_id": order.id},))


async def _records(cl: CommerceLayer, jcont: dict[str, Any] | None, page: int = RECORDS) -> Document:
    params = {
        "filter[q][reference_origin_eq]": REFERENCE_ORIGIN,
        "sort": "-updated_at",
        "include": "order",
        "fields[orders]": "number,customer_email",
        "page[size]": str(page),
    }
    if jcont is not None:
        params["filter[q][metadata_jcont]"] = json.dumps(jcont, separators=(",", ":"))
    return await cl.get(api_path("stripe_payments"), params)


@dataclass(frozen=True)
class _Record:
    payment: PaymentSource
    order: ResourceObject | None


def _payments(doc: Document) -> list[_Record]:
    return [_Record(PaymentSource.of(item), doc.one(item, "order")) for item in doc.data]


def _unique(records: Iterable[_Record]) -> list[_Record]:
    seen: dict[str, _Record] = {}
    for record in records:
        seen.setdefault(record.payment.id, record)
    return list(seen.values())


async def _tokens_in_wallets(cl: CommerceLayer, records: list[_Record]) -> set[str]:
    """Which of the saved cards are still in a wallet, by token: one request for all of them.

    The tokens are sent to Commerce Layer, which holds them, and never shown.
    """
    tokens = sorted({token for record in records if (token := record.payment.payment_method_id)})
    if not tokens:
        return set()
    try:
        doc = await cl.get_all(
            api_path("customer_payment_sources"), {"filter[q][payment_source_token_in]": ",".join(tokens)}
        )
    except CommerceLayerError as error:
        raise unreachable(error, "check which saved cards are still in their wallets") from None
    return {str(item.attr("payment_source_token")) for item in doc.data}


def _events(record: _Record, in_wallets: set[str] | None) -> list[HistoryEvent]:
    """The changes one record tells; `in_wallets` None: whether the card is still in its wallet was not read."""
    payment, metadata = record.payment, record.payment.metadata
    token = payment.payment_method_id
    card = Card.of(payment.card, token=token)
    action = str(metadata.get(ACTION) or "save")
    number = record.order.attr("number") if record.order else metadata.get("order_number")
    customer = (record.order.attr("customer_email") if record.order else None) or metadata.get("customer_id")

    def event(action: str, at: object, who: dict[str, Any], result: str) -> HistoryEvent:
        return HistoryEvent(
            action,
            _text(at),
            _text(who.get("slack_team_id")),
            _text(who.get("slack_user_id")),
            _text(number),
            _text(customer),
            card,
            result,
            _text(who.get("reason")),
        )

    removed = metadata.get(REMOVED)
    if action == "use":
        events = [event("use", payment.created_at, metadata, "became the order's payment source")]
    else:
        kept = in_wallets is None or token in in_wallets
        result = "saved to the wallet" if kept or isinstance(removed, dict) else "not in the wallet now"
        events = [event("save", payment.created_at, metadata, result)]
    if isinstance(removed, dict):
        events.append(event("remove", removed.get("at"), removed, "removed from the wallet"))
    return events


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value) else None
