"""The wallet operations: preview, save, sources. Slack-free: callers pass parsed refs and an `Actor`
of plain ids.

    refs.py      what an operator types, parsed once: OrderRef, EmailRef, PaymentMethodId
    results.py   what the operations answer: Preview, SaveResult, SourcesResult, WalletEntry, Actor
    errors.py    WalletError and its kinds, and how Commerce Layer's failures are told
    rules.py     when a save or a lookup is refused, in the operator's words
    lookups.py   reading orders, customers and saved payment sources
    save.py      the save recipe, and how a save with a lost answer finds where it stands

One save of an order at a time, across processes: bot/state/ holds the order's lease.
"""

from __future__ import annotations

import structlog

from bot.commercelayer import CommerceLayer
from bot.state import OrderBusy, SharedState, StateUnavailable
from bot.state.local import InProcessState
from bot.wallet import errors, rules
from bot.wallet.errors import Refused, SaveFailed, WalletError
from bot.wallet.lookups import ORDER_INCLUDE, customer_sources, read_order, reread
from bot.wallet.refs import (
    CustomerRef,
    EmailRef,
    InputError,
    OrderRef,
    PaymentMethodId,
    excerpt,
    mask_payment_method,
    parse_customer_ref,
    parse_order_ref,
    parse_payment_method_id,
)
from bot.wallet.results import Actor, Preview, SaveResult, SourcesResult, WalletEntry, wallet_entries
from bot.wallet.save import REFERENCE_ORIGIN, save_card

audit_log = structlog.get_logger("audit")


class Wallet:
    """What operators do with wallets; `state` keeps two saves of one order from running at once."""

    def __init__(self, cl: CommerceLayer, state: SharedState | None = None) -> None:
        self._cl = cl
        self._state = state or InProcessState()

    async def preview(self, ref: OrderRef) -> Preview:
        """The order as a save would find it, and why the save would be refused, if it would."""
        order, mode = await read_order(self._cl, ref)
        blocker = rules.save_refusal(order)
        method = rules.payment_method_to_set(order) if blocker is None else None
        return Preview(order, mode, wallet_entries(order), blocker, method)

    async def save(self, ref: OrderRef, pm_id: PaymentMethodId, actor: Actor) -> SaveResult:
        """Saves the card to the wallet of the order's customer; every outcome goes to the audit log."""
        log = audit_log.bind(
            action="wallet.save",
            slack_team_id=actor.team_id,
            slack_user_id=actor.user_id,
            order=str(ref),
            card=mask_payment_method(pm_id),
        )
        try:
            result = await self._save(ref, pm_id, actor)
        except WalletError as error:
            log.warning("audit", result=error.code, detail=error.what, changed=list(error.changed))
            raise
        log.info(
            "audit",
            result="saved" if not result.already_in_wallet else "already_in_wallet",
            order_id=result.order.id,
            customer_id=result.order.customer.id if result.order.customer else None,
            stripe_payment_id=result.stripe_payment_id,
            created_source=result.created_source,
            mode=result.mode,
        )
        return result

    async def sources(self, ref: CustomerRef) -> SourcesResult:
        """The saved payment sources of the customer named by email, by one of their orders, or by id."""
        return await customer_sources(self._cl, ref)

    async def _save(self, ref: OrderRef, pm_id: PaymentMethodId, actor: Actor) -> SaveResult:
        order, mode = await read_order(self._cl, ref)
        try:
            async with self._state.hold(order.id) as lease:
                # Every request inside the lease ends by its deadline, retries included.
                with self._cl.deadline(lease.deadline):
                    if lease.waited:  # another save of this order ran meanwhile: see what it left
                        order, mode = await reread(self._cl, order)
                    return await save_card(self._cl, order, mode, pm_id, actor, lease)
        except StateUnavailable:
            raise errors.state_unavailable() from None
        except OrderBusy as busy:
            raise errors.order_busy(rules.order_label(order), str(busy)) from None


__all__ = [
    "ORDER_INCLUDE",
    "REFERENCE_ORIGIN",
    "Actor",
    "CustomerRef",
    "EmailRef",
    "InputError",
    "OrderRef",
    "PaymentMethodId",
    "Preview",
    "Refused",
    "SaveFailed",
    "SaveResult",
    "SourcesResult",
    "Wallet",
    "WalletEntry",
    "WalletError",
    "excerpt",
    "mask_payment_method",
    "parse_customer_ref",
    "parse_order_ref",
    "parse_payment_method_id",
]
