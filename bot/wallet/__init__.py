"""The wallet operations: preview, save, sources, use, remove, history. Slack-free: callers pass
parsed refs and an `Actor` of plain ids (and the reason given, if any).

    refs.py      what an operator types, parsed once: OrderRef, EmailRef, PaymentMethodId, CardRef, UserRef
    results.py   what the operations answer: previews, results, WalletEntry and its Card, Actor
    errors.py    WalletError and its kinds, and how Commerce Layer's failures are told
    rules.py     when a change or a lookup is refused, in the operator's words
    lookups.py   reading orders, customers and saved payment sources
    save.py      the save recipe, and how a save with a lost answer finds where it stands
    use.py       using a saved card on an order
    remove.py    removing a saved card from a wallet
    records.py   what the bot writes into Commerce Layer about its changes
    history.py   reading those records back
    writes.py    no write after the lease ends; a write with a lost answer is looked up, not repeated

One change of an order (a save, a use) at a time, and one removal of a card, across processes:
bot/state/ holds the lease.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import structlog

from bot.commercelayer import CommerceLayer
from bot.commercelayer.models import Order
from bot.state import Lease, OrderBusy, SharedState, StateUnavailable
from bot.state.local import InProcessState
from bot.wallet import errors, rules
from bot.wallet.errors import Refused, SaveFailed, WalletError
from bot.wallet.history import read_history, read_recent
from bot.wallet.lookups import ORDER_INCLUDE, customer_sources, read_order, reread
from bot.wallet.records import REFERENCE_ORIGIN
from bot.wallet.refs import (
    CardRef,
    CustomerRef,
    EmailRef,
    HistoryRef,
    InputError,
    OrderRef,
    PaymentMethodId,
    UserRef,
    excerpt,
    mask_payment_method,
    parse_card_ref,
    parse_customer_ref,
    parse_history_ref,
    parse_order_ref,
    parse_payment_method_id,
    parse_reason,
)
from bot.wallet.remove import Owner, RemoveFailed, preview_remove, remove_card
from bot.wallet.results import (
    Actor,
    Card,
    HistoryEvent,
    HistoryResult,
    Preview,
    RemovePreview,
    RemoveResult,
    SaveResult,
    SourcesResult,
    UsePreview,
    UseResult,
    WalletEntry,
    order_card,
    wallet_entries,
)
from bot.wallet.save import save_card
from bot.wallet.use import UseFailed, card_choices, preview_use, use_card

T = TypeVar("T")

audit_log = structlog.get_logger("audit")


class Wallet:
    """What operators do with wallets; `state` keeps two saves of one order from running at once."""

    def __init__(self, cl: CommerceLayer, state: SharedState | None = None) -> None:
        self._cl = cl
        self._state = state or InProcessState()

    async def preview(self, ref: OrderRef, pm_id: PaymentMethodId | None = None) -> Preview:
        """The order as a save would find it, why the save would be refused, if it would, and the
        wallet's entry of card `pm_id` if the wallet already holds it."""
        order, mode = await read_order(self._cl, ref)
        blocker = rules.save_refusal(order)
        method = rules.payment_method_to_set(order) if blocker is None else None
        wallet = wallet_entries(order)
        held = {source.id for source in order.wallet or () if pm_id and source.payment_source_token == pm_id}
        return Preview(order, mode, wallet, blocker, method, next((e for e in wallet if e.id in held), None))

    async def save(self, ref: OrderRef, pm_id: PaymentMethodId, actor: Actor) -> SaveResult:
        """Saves the card to the wallet of the order's customer; every outcome goes to the audit log."""
        asked = {"order": str(ref), "card": mask_payment_method(pm_id)}
        return await _audited("wallet.save", actor, asked, self._save(ref, pm_id, actor), _saved)

    async def sources(self, ref: CustomerRef) -> SourcesResult:
        """The saved payment sources of the customer named by email, by one of their orders, or by id."""
        return await customer_sources(self._cl, ref)

    async def use_preview(self, ref: OrderRef, card: CardRef | None = None) -> UsePreview:
        """The order, its customer's saved cards and the one `card` names, and why a use would be refused."""
        return await preview_use(self._cl, ref, card)

    async def use(self, ref: OrderRef, card: CardRef, actor: Actor) -> UseResult:
        """Makes the saved card the order's payment source; every outcome goes to the audit log."""
        asked = {"order": str(ref), "saved_card": card.value}
        return await _audited("wallet.use", actor, asked, self._use(ref, card, actor), _used)

    async def card_choices(self, customer_id: str, typed: str) -> tuple[WalletEntry, ...]:
        """The customer's saved cards that match what was typed in a card picker."""
        return await card_choices(self._cl, customer_id, typed)

    async def remove_preview(self, owner: CustomerRef, card: CardRef) -> RemovePreview:
        """The customer's wallet and the card `card` names in it, or why it can't be removed."""
        return await preview_remove(self._cl, owner, card)

    async def remove(self, owner: Owner, card_id: str, actor: Actor) -> RemoveResult:
        """Removes the saved card from the owner's wallet; every outcome goes to the audit log."""
        asked = {"customer_id": owner.customer_id, "saved_card": card_id}

        async def remove(lease: Lease) -> RemoveResult:
            return await remove_card(self._cl, owner, card_id, actor, lease)

        work = self._holding(f"card:{card_id}", f"saved card {card_id}", remove)
        return await _audited("wallet.remove", actor, asked, work, _removed)

    async def history(self, ref: HistoryRef | None = None) -> HistoryResult:
        """Wallet bot's recent changes, newest first, from its records in Commerce Layer."""
        return await read_history(self._cl, ref)

    async def recent_changes(self, user_id: str, shown: int) -> HistoryResult:
        """The latest changes made by one Slack user through Wallet bot, in one Commerce Layer request."""
        return await read_recent(self._cl, user_id, shown)

    async def mode(self) -> str:
        """Commerce Layer's "test" or "live", from the token the client holds (no request once it has one)."""
        return await self._cl.mode()

    async def _save(self, ref: OrderRef, pm_id: PaymentMethodId, actor: Actor) -> SaveResult:
        return await self._on_order(
            ref, lambda order, mode, lease: save_card(self._cl, order, mode, pm_id, actor, lease)
        )

    async def _use(self, ref: OrderRef, card: CardRef, actor: Actor) -> UseResult:
        return await self._on_order(ref, lambda order, mode, lease: use_card(self._cl, order, mode, card, actor, lease))

    async def _on_order(self, ref: OrderRef, change: Callable[[Order, str, Lease], Awaitable[T]]) -> T:
        """`change` of the order as read under its lease: a save and a use of one order never run at once."""
        order, mode = await read_order(self._cl, ref)

        async def held(lease: Lease) -> T:
            current, now = await reread(self._cl, order) if lease.waited else (order, mode)
            return await change(current, now, lease)

        return await self._holding(order.id, f"order {rules.order_label(order)}", held)

    async def _holding(self, key: str, subject: str, work: Callable[[Lease], Awaitable[T]]) -> T:
        """`work` while holding `key`'s lease, so that no other change of `subject` runs meanwhile.

        A lease that had to wait for another holder says so (`lease.waited`): the work then reads
        again what the other one left.
        """
        try:
            async with self._state.hold(key) as lease:
                # Every request inside the lease ends by its deadline, retries included.
                with self._cl.deadline(lease.deadline):
                    return await work(lease)
        except StateUnavailable:
            raise errors.state_unavailable() from None
        except OrderBusy as held:
            raise errors.busy(subject, str(held)) from None


async def _audited(
    action: str, actor: Actor, asked: Mapping[str, str], work: Awaitable[T], outcome: Callable[[T], dict[str, Any]]
) -> T:
    """Runs a change, and logs its every outcome as one audit line: who, why, what was asked, what came of it."""
    log = audit_log.bind(
        action=action, slack_team_id=actor.team_id, slack_user_id=actor.user_id, reason=actor.reason, **asked
    )
    try:
        result = await work
    except WalletError as error:
        log.warning("audit", result=error.code, detail=error.what, changed=list(error.changed))
        raise
    log.info("audit", **outcome(result))
    return result


def _saved(result: SaveResult) -> dict[str, Any]:
    return {
        "result": "saved" if not result.already_in_wallet else "already_in_wallet",
        "order_id": result.order.id,
        "customer_id": result.order.customer.id if result.order.customer else None,
        "stripe_payment_id": result.stripe_payment_id,
        "created_source": result.created_source,
        "mode": result.mode,
    }


def _used(result: UseResult) -> dict[str, Any]:
    return {
        "result": "already_in_use" if result.already else "used",
        "order_id": result.order.id,
        "customer_id": result.order.customer.id if result.order.customer else None,
        "saved_card_id": result.card.id,
        "card": result.card.card.label,
        "payment_source_id": result.order.payment_source.id if result.order.payment_source else None,
        "recorded": result.recorded,
        "mode": result.mode,
    }


def _removed(result: RemoveResult) -> dict[str, Any]:
    return {
        "result": "already_gone" if result.already_gone else "removed",
        "customer_id": result.customer_id,
        "card": result.card.card.label,
        "recorded": result.recorded,
        "mode": result.mode,
    }


__all__ = [
    "ORDER_INCLUDE",
    "REFERENCE_ORIGIN",
    "Actor",
    "Card",
    "CardRef",
    "CustomerRef",
    "EmailRef",
    "HistoryEvent",
    "HistoryRef",
    "HistoryResult",
    "InputError",
    "OrderRef",
    "Owner",
    "PaymentMethodId",
    "Preview",
    "Refused",
    "RemoveFailed",
    "RemovePreview",
    "RemoveResult",
    "SaveFailed",
    "SaveResult",
    "SourcesResult",
    "UseFailed",
    "UsePreview",
    "UseResult",
    "UserRef",
    "Wallet",
    "WalletEntry",
    "WalletError",
    "excerpt",
    "mask_payment_method",
    "order_card",
    "parse_card_ref",
    "parse_customer_ref",
    "parse_history_ref",
    "parse_order_ref",
    "parse_payment_method_id",
    "parse_reason",
]
