"""Saving a card to a customer's wallet, and finding out where a save stands when an answer is lost.

The save follows Commerce Layer's "reusing the payment source" recipe: create the order's Stripe
payment source with `options` set at creation, then PATCH the order with
`_save_payment_source_to_customer_wallet`. A save that failed half-way is finished by running it
again: the order's existing Stripe source for the same card is found and reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.commercelayer import CommerceLayer, CommerceLayerError
from bot.commercelayer.models import CustomerPaymentSource, Order, PaymentMethod, PaymentSource
from bot.state import Lease, LeaseLost
from bot.wallet import rules
from bot.wallet.errors import NOTHING_CHANGED, SaveFailed, create_refused, failure_reason, unreachable
from bot.wallet.lookups import read_back
from bot.wallet.records import REFERENCE_ORIGIN, change_record
from bot.wallet.refs import PaymentMethodId, mask_payment_method
from bot.wallet.results import Actor, SaveResult, entries_of

WALLET_FLAG = "_save_payment_source_to_customer_wallet"
# The wallet in the save's answer, with each entry's payment source: where its card details are.
WALLET_INCLUDE = "available_customer_payment_sources.payment_source"


async def save_card(
    cl: CommerceLayer, order: Order, mode: str, pm_id: PaymentMethodId, actor: Actor, lease: Lease
) -> SaveResult:
    """Saves the card `pm_id` to the wallet of `order`'s customer, through `order` as just read.

    The caller holds the order's lease: two saves of one order at once would create two sources.
    Before each write the lease is checked; a save whose lease ended stops there and says how far
    it got.
    """
    return await _CardSave(cl, order, pm_id, actor, lease).run(mode)


@dataclass(frozen=True)
class _CardSave:
    cl: CommerceLayer
    order: Order
    pm_id: PaymentMethodId
    actor: Actor
    lease: Lease

    @property
    def label(self) -> str:
        return rules.order_label(self.order)

    async def run(self, mode: str) -> SaveResult:
        if (refusal := rules.save_refusal(self.order)) is not None:
            raise refusal
        method = rules.payment_method_to_set(self.order)
        method_set = await self._set_payment_method(method) if method else None
        if (refusal := rules.another_cards_source(self.order, self.pm_id)) is not None:
            raise refusal
        method_note = _method_note(method_set)
        source, created = await self._stripe_source(method_note)
        saved = await self._save_to_wallet(source, created, method_note)
        return self._result(mode, source, created, saved, method_set)

    async def _before_write(self, doing: str, changed: tuple[str, ...]) -> None:
        """Stops the save here, saying how far it got, unless its lease still holds."""
        try:
            await self.lease.check()
        except LeaseLost as lost:
            raise SaveFailed(
                f"The save through order {self.label} stopped before it could {doing}: its hold on the "
                f"order ended ({lost}).",
                changed=changed,
                unchanged=("Nothing else was changed.",) if changed else NOTHING_CHANGED,
                next_step="Run the same command again: it picks up where this one stopped, and changes nothing twice.",
            ) from None

    async def _set_payment_method(self, method: PaymentMethod) -> PaymentMethod:
        await self._before_write("set the order's Stripe payment method", ())
        relationship = {"payment_method": ("payment_methods", method.id)}
        try:
            await self.cl.update("orders", self.order.id, relationships=relationship)
        except CommerceLayerError as error:
            raise unreachable(error, f"set the Stripe payment method on order {self.label}") from None
        return method

    async def _stripe_source(self, changed: tuple[str, ...]) -> tuple[PaymentSource, bool]:
        """The order's Stripe payment source for the card, and whether this save created it."""
        existing = self.order.payment_source
        if existing is not None and existing.payment_method_id == self.pm_id:
            return existing, False  # an earlier save stopped after creating it
        try:
            return await self._create_stripe_payment(changed), True
        except CommerceLayerError as error:
            if not error.maybe_applied:
                raise create_refused(error, self.label) from None
            return await self._after_unclear_create(error, changed)

    async def _create_stripe_payment(self, changed: tuple[str, ...]) -> PaymentSource:
        await self._before_write("create the Stripe payment source", changed)
        # The recipe's step 1: options are set here, at creation, because Stripe ignores a later update.
        attributes: dict[str, Any] = {
            "options": {"id": self.pm_id, "setup_future_usage": "off_session"},
            "reference_origin": REFERENCE_ORIGIN,
            "metadata": change_record("save", self.actor, self.order),
        }
        doc = await self.cl.create("stripe_payments", attributes, {"order": ("orders", self.order.id)})
        if doc.first is None:
            raise SaveFailed(
                "Commerce Layer answered the create without the Stripe payment source.",
                unchanged=(),
                next_step="Run the same command again: it finds the source if it was created.",
            )
        return PaymentSource.of(doc.first)

    async def _after_unclear_create(
        self, error: CommerceLayerError, changed: tuple[str, ...]
    ) -> tuple[PaymentSource, bool]:
        """The create got no clear answer: look at the order to learn whether it landed.

        If it did not, create it once more; if that goes unanswered too, look once more, so that a
        second create that landed is neither missed nor reported as "nothing was changed".
        """
        for second_look in (False, True):
            current = await read_back(self.cl, self.order)
            if current is None:
                raise SaveFailed(
                    f"Commerce Layer did not answer when the Stripe payment source for order {self.label} "
                    f"was created ({error.message}), and the order could not be read back.",
                    unchanged=("It is not known whether the Stripe payment source was created.",),
                    next_step="Run the same command again: it finds and reuses the source if it was created.",
                )
            landed = current.payment_source
            if landed is not None and landed.payment_method_id == self.pm_id:
                return landed, True
            if second_look:
                break
            # It did not land: creating it now cannot make a second one.
            try:
                return await self._create_stripe_payment(changed), True
            except CommerceLayerError as again:
                if not again.maybe_applied:
                    raise create_refused(again, self.label) from None
                error = again
        raise create_refused(error, self.label)  # looked twice: it is not there, nothing was changed

    async def _save_to_wallet(self, source: PaymentSource, created: bool, changed: tuple[str, ...]) -> Order:
        """The recipe's step 2; answers the order with its wallet."""
        await self._before_write("save the card to the customer's wallet", (*changed, *_created_note(source, created)))
        try:
            doc = await self.cl.update(
                "orders",
                self.order.id,
                {WALLET_FLAG: True},
                params={"include": WALLET_INCLUDE},
            )
        except CommerceLayerError as error:
            return await self._after_failed_wallet_save(source, created, error)
        if doc.first is None:
            raise SaveFailed(
                "Commerce Layer answered the wallet save without the order.",
                changed=_created_note(source, created),
                unchanged=(),
                next_step="Run the same command again to finish.",
            )
        return Order.of(doc.first, doc)

    async def _after_failed_wallet_save(self, source: PaymentSource, created: bool, error: CommerceLayerError) -> Order:
        """The order, if the card reached the wallet after all; otherwise the SaveFailed to tell."""
        unchanged = "The card is not in the customer's wallet yet."
        if error.maybe_applied:
            # No clear answer (timeout, lost connection, 5xx): the save may have landed. Look,
            # rather than tell the user the card is missing from a wallet that holds it.
            current = await read_back(self.cl, self.order)
            if current is not None and _holds(current, source, source.payment_method_id or ""):
                return current
            if current is None:
                unchanged = "It is not known whether the card reached the customer's wallet."
        raise SaveFailed(
            f"The Stripe payment source for order {self.label} is ready, but saving it to the "
            f"customer's wallet failed: {failure_reason(error)}.",
            changed=_created_note(source, created),
            unchanged=(unchanged,),
            next_step="Run the same command again to finish: it reuses that payment source.",
        ) from None

    def _result(
        self, mode: str, source: PaymentSource, created: bool, saved: Order, method_set: PaymentMethod | None
    ) -> SaveResult:
        card = mask_payment_method(self.pm_id)
        if not _holds(saved, source, self.pm_id):
            raise SaveFailed(
                f"Commerce Layer accepted the wallet save for order {self.label}, but the card "
                f"{card} is not among the customer's saved payment sources.",
                changed=_created_note(source, created),
                unchanged=("The customer's wallet did not change.",),
                next_step="Check the order's Stripe payment in the Commerce Layer dashboard; running "
                "the same command again is safe.",
            )
        before = {entry.id for entry in self.order.wallet or ()}
        holding = [item.id for item in saved.wallet or () if _is_card(item, source, self.pm_id)]
        added = set(holding) - before
        wallet = entries_of(saved.wallet or (), added)
        return SaveResult(
            order=self.order,  # the read has the customer; the save's answer includes only the wallet
            mode=mode,
            card=next(entry.card for entry in wallet if entry.id == holding[0]),
            wallet=wallet,
            stripe_payment_id=source.id,
            created_source=created,
            already_in_wallet=not added,
            payment_method_set=method_set,
            entry_id=holding[0],
        )


def _is_card(item: CustomerPaymentSource, source: PaymentSource, pm_id: str) -> bool:
    return item.payment_source_id == source.id or item.payment_source_token == pm_id


def _holds(order: Order, source: PaymentSource, pm_id: str) -> bool:
    """Whether the order's customer's wallet holds the card saved from `source`."""
    return any(_is_card(item, source, pm_id) for item in order.wallet or ())


def _method_note(method: PaymentMethod | None) -> tuple[str, ...]:
    if method is None:
        return ()
    return (f"The order's payment method was set to {method.name or 'Stripe'}.",)


def _created_note(source: PaymentSource, created: bool) -> tuple[str, ...]:
    if created:
        return (f"The order's Stripe payment source was created ({source.id}).",)
    return (f"The order's Stripe payment source from an earlier attempt was reused ({source.id}).",)
