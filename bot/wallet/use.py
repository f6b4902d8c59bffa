"""Using a saved card on an order: Commerce Layer's "reusing the payment source" step.

As the official checkout does it: the order's Stripe payment method is set first when it has none,
then `PATCH /api/orders/<id>` with `_customer_payment_source_id`, then the order is read back rather
than trusting the PATCH's answer. The Stripe payment that Commerce Layer makes for the order is then
tagged with who and why (records.py), for /wallet history.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from bot.commercelayer import CommerceLayer, CommerceLayerError, NotFound, api_path
from bot.commercelayer.models import CustomerPaymentSource, Order, PaymentMethod, PaymentSource
from bot.state import Lease
from bot.wallet import rules
from bot.wallet.errors import NOTHING_CHANGED, Refused, WalletError, unreachable
from bot.wallet.lookups import find_in_wallet, read_back, read_order
from bot.wallet.records import REFERENCE_ORIGIN, change_record
from bot.wallet.refs import CardRef, OrderRef
from bot.wallet.results import Actor, UsePreview, UseResult, WalletEntry, entries_of, order_card
from bot.wallet.writes import Unclear, lease_ended, write_once

USE_FLAG = "_customer_payment_source_id"
AGAIN = "Run the same command again: it looks at the order first, and changes nothing twice."
log = structlog.get_logger("wallet")


class UseFailed(WalletError):
    """Commerce Layer failed part-way through a use; `changed` says how far it got."""

    code = "use_failed"


async def preview_use(cl: CommerceLayer, ref: OrderRef, card: CardRef | None) -> UsePreview:
    """The order, its customer's saved cards, the card named (if any), and why a use would be refused."""
    order, mode = await read_order(cl, ref)
    wallet = entries_of(order.wallet or ())
    email = order.customer.email if order.customer else None
    has_card = any(entry.is_stripe for entry in wallet)
    blocker = rules.use_refusal(order) or (None if has_card else rules.no_stripe_card(email))
    chosen: _Chosen | None = None
    if card is not None and blocker is None:
        try:
            chosen = await _pick(cl, order, card)
        except Refused as refusal:
            blocker = refusal
    method = rules.payment_method_to_set(order) if blocker is None else None
    entry = chosen.entry if chosen else None
    return UsePreview(order, mode, wallet, entry, blocker, method, chosen is not None and chosen.used_by(order))


@dataclass(frozen=True)
class _Chosen:
    """The saved card picked, with its token: what the order's payment source is compared with."""

    entry: WalletEntry
    token: str | None

    def used_by(self, order: Order) -> bool:
        """Whether the order's payment source already is this saved card."""
        source = order.payment_source
        return bool(self.token) and source is not None and source.payment_method_id == self.token


async def _pick(cl: CommerceLayer, order: Order, ref: CardRef) -> _Chosen:
    """The one saved Stripe card of the order's customer that `ref` names; Refused says why there is none."""
    email = order.customer.email if order.customer else None
    entry = await find_in_wallet(cl, entries_of(order.wallet or ()), ref, email)
    if (refusal := rules.card_not_stripe(entry)) is not None:
        raise refusal
    return _Chosen(entry, next(source.payment_source_token for source in order.wallet or () if source.id == entry.id))


async def use_card(cl: CommerceLayer, order: Order, mode: str, card: CardRef, actor: Actor, lease: Lease) -> UseResult:
    """Makes saved card `card` the payment source of `order`, as just read; the caller holds its lease."""
    if (refusal := rules.use_refusal(order)) is not None:
        raise refusal
    chosen = await _pick(cl, order, card)
    previous = order_card(order)
    if chosen.used_by(order):
        return UseResult(order, mode, chosen.entry, previous, None, already=True, recorded=False)
    use = _CardUse(cl, order, chosen, actor, lease)
    method_set = await use.set_payment_method(rules.payment_method_to_set(order))
    current = await use.reuse(_method_note(method_set))
    recorded = await use.record(current.payment_source)
    return UseResult(current, mode, chosen.entry, previous, method_set, already=False, recorded=recorded)


@dataclass(frozen=True)
class _CardUse:
    cl: CommerceLayer
    order: Order
    chosen: _Chosen
    actor: Actor
    lease: Lease

    @property
    def card(self) -> WalletEntry:
        return self.chosen.entry

    @property
    def label(self) -> str:
        return rules.order_label(self.order)

    async def _before_write(self, doing: str, changed: tuple[str, ...]) -> None:
        if (ended := await lease_ended(self.lease)) is not None:
            raise UseFailed(
                f"Using the card on order {self.label} stopped before it could {doing}: its hold on the order "
                f"ended ({ended}).",
                changed=changed,
                unchanged=("The order's payment source did not change.",),
                next_step=AGAIN,
            )

    async def set_payment_method(self, method: PaymentMethod | None) -> PaymentMethod | None:
        if method is None:
            return None
        await self._before_write("set the order's Stripe payment method", ())
        try:
            await self.cl.update(
                "orders", self.order.id, relationships={"payment_method": ("payment_methods", method.id)}
            )
        except CommerceLayerError as error:
            raise unreachable(error, f"set the Stripe payment method on order {self.label}") from None
        return method

    async def reuse(self, changed: tuple[str, ...]) -> Order:
        """The PATCH, looked up when unanswered, then the order read back as Commerce Layer has it."""
        await self._before_write("make the saved card the order's payment source", changed)

        async def patch() -> None:
            await self.cl.update("orders", self.order.id, {USE_FLAG: self.card.id}, idempotent=False)

        try:
            await write_once(patch, self._landed)
        except Unclear as unclear:
            raise self._unclear(unclear, changed) from None
        except NotFound:
            raise rules.card_gone(self.card.id) from None
        except CommerceLayerError as error:
            raise self._refused(error, changed) from None
        current = await read_back(self.cl, self.order)
        if current is None or not self.chosen.used_by(current):
            raise UseFailed(
                f"Commerce Layer accepted saved card {self.card.card.label} for order {self.label}, but the order "
                "read back does not show it as its payment source.",
                changed=changed,
                unchanged=("It is not known which card the order will be charged on.",),
                next_step="Check the order in the Commerce Layer dashboard before placing it; " + AGAIN,
            )
        return current

    async def _landed(self) -> bool | None:
        current = await read_back(self.cl, self.order)
        return None if current is None else self.chosen.used_by(current)

    def _unclear(self, unclear: Unclear, changed: tuple[str, ...]) -> UseFailed:
        if not unclear.looked:
            unchanged = ("It is not known whether the order's payment source changed.",)
        else:
            unchanged = ("The order was read back: its payment source did not change.",)
        return UseFailed(
            f"Commerce Layer did not answer when saved card {self.card.card.label} was set on order {self.label} "
            f"({unclear.error.message}).",
            changed=changed,
            unchanged=unchanged,
            next_step=AGAIN,
        )

    def _refused(self, error: CommerceLayerError, changed: tuple[str, ...]) -> WalletError:
        if error.status in (400, 409, 422):
            return Refused(
                f"Commerce Layer refused saved card {self.card.card.label} for order {self.label}: {error.message}.",
                changed=changed,
                unchanged=("The order's payment source did not change.",) if changed else NOTHING_CHANGED,
                next_step="Fix what it names in Commerce Layer, then run the same command again.",
            )
        return unreachable(error, f"set saved card {self.card.id} on order {self.label}")

    async def record(self, source: PaymentSource | None) -> bool:
        """Tags the Stripe payment Commerce Layer made for the order with who and why; False if it can't."""
        if source is None or not source.is_stripe or source.reference_origin is not None:
            return False  # not one the use made: someone else's record is left alone
        metadata = {**source.metadata, **change_record("use", self.actor, self.order, self.card.id)}
        attributes = {"reference_origin": REFERENCE_ORIGIN, "metadata": metadata}
        try:
            await self.cl.update("stripe_payments", source.id, attributes)
        except CommerceLayerError as error:
            # The card is in use on the order: that the history won't show it is not a failure of the use.
            log.warning("use.not_recorded", order=self.order.id, error=error.message)
            return False
        return True


def _method_note(method: PaymentMethod | None) -> tuple[str, ...]:
    return () if method is None else (f"The order's payment method was set to {method.name or 'Stripe'}.",)


CHOICES = 25  # one page: what an external select shows for what was typed


async def card_choices(cl: CommerceLayer, customer_id: str, typed: str) -> tuple[WalletEntry, ...]:
    """The saved cards of a wallet too large for a static select that match what the user typed:
    digits are looked for in the card's masked number by Commerce Layer, anything else in its label here."""
    params = {"include": "payment_source", "sort": "-created_at", "page[size]": str(CHOICES)}
    digits = "".join(char for char in typed if char.isdigit())
    if digits:
        params["filter[q][name_cont]"] = digits
    try:
        doc = await cl.get(api_path("customers", customer_id, "customer_payment_sources"), params)
    except CommerceLayerError as error:
        raise unreachable(error, "list the customer's saved cards") from None
    entries = entries_of(CustomerPaymentSource.of(item, doc) for item in doc.data)
    wanted = typed.strip().lower()
    return tuple(entry for entry in entries if digits or wanted in entry.card.label.lower())
