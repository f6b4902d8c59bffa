"""The wallet operations: preview, save, sources. Slack-free: callers pass an `Actor` of plain ids.

A save follows Commerce Layer's "reusing the payment source" recipe: create the order's Stripe
payment source with `options` set at creation, then PATCH the order with
`_save_payment_source_to_customer_wallet`. A save that failed half-way is finished by running it
again: the order's existing Stripe source for the same card is found and reused.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog

from bot.commercelayer import (
    AuthenticationFailed,
    CommerceLayer,
    CommerceLayerError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    api_path,
)
from bot.commercelayer.models import CustomerPaymentSource, Order, PaymentMethod, PaymentSource
from bot.inputs import (
    EmailRef,
    InputError,
    OrderRef,
    mask_payment_method,
    parse_customer_ref,
    parse_order_ref,
    parse_payment_method_id,
)

ORDER_INCLUDE = "customer,payment_method,payment_source,available_payment_methods,available_customer_payment_sources"
REFERENCE_ORIGIN = "wallet-bot"
NOTHING_CHANGED = ("Nothing was changed in Commerce Layer.",)

audit_log = structlog.get_logger("audit")


@dataclass(frozen=True)
class Actor:
    """Who asks for a change: plain Slack ids, so that every change is traceable to a person."""

    team_id: str
    user_id: str

    def metadata(self) -> dict[str, str]:
        return {"slack_team_id": self.team_id, "slack_user_id": self.user_id, "saved_by": REFERENCE_ORIGIN}


class WalletError(Exception):
    """A failure the operator can act on: what happened, what changed, what did not, what to do."""

    code = "failed"

    def __init__(
        self,
        what: str,
        *,
        next_step: str,
        changed: tuple[str, ...] = (),
        unchanged: tuple[str, ...] = NOTHING_CHANGED,
    ) -> None:
        super().__init__(what)
        self.what = what
        self.next_step = next_step
        self.changed = changed
        self.unchanged = unchanged

    @property
    def message(self) -> str:
        return " ".join([self.what, *self.changed, *self.unchanged, self.next_step])


class InvalidInput(WalletError):
    code = "invalid_input"


class Refused(WalletError):
    """The order can't take a wallet save as it is (cancelled, guest, another gateway…)."""

    code = "refused"


class SaveFailed(WalletError):
    """Commerce Layer failed part-way; `changed` says how far the save got."""

    code = "save_failed"


@dataclass(frozen=True)
class WalletEntry:
    id: str
    name: str
    card: str  # the masked pm_… id
    created_at: str | None
    added: bool = False

    @classmethod
    def of(cls, source: CustomerPaymentSource, *, added: bool = False) -> WalletEntry:
        return cls(
            id=source.id,
            name=source.name or "Saved card",
            card=mask_payment_method(source.payment_source_token),
            created_at=source.created_at,
            added=added,
        )


@dataclass(frozen=True)
class Preview:
    order: Order
    mode: str
    wallet: tuple[WalletEntry, ...]
    blocker: Refused | None  # why a save would be refused, if it would
    payment_method_to_set: PaymentMethod | None  # set by the save when the order has none


@dataclass(frozen=True)
class SaveResult:
    order: Order
    mode: str
    card: str
    wallet: tuple[WalletEntry, ...]
    stripe_payment_id: str
    created_source: bool  # False: an earlier, half-finished save's source was reused
    already_in_wallet: bool
    payment_method_set: PaymentMethod | None = None

    @property
    def added(self) -> WalletEntry | None:
        return next((entry for entry in self.wallet if entry.added), None)


@dataclass(frozen=True)
class SourcesResult:
    customer_id: str
    customer_email: str | None
    mode: str
    wallet: tuple[WalletEntry, ...]
    order: Order | None = None


@dataclass
class _KeyedLocks:
    """One lock per order, dropped when nobody holds or waits for it (no growth over time)."""

    _locks: dict[str, tuple[asyncio.Lock, int]] = field(default_factory=dict)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[bool]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        waited = lock.locked()
        try:
            async with lock:
                yield waited
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class Wallet:
    def __init__(self, cl: CommerceLayer) -> None:
        self._cl = cl
        self._locks = _KeyedLocks()

    async def preview(self, order_text: str) -> Preview:
        ref = _checked(parse_order_ref, order_text)
        order, mode = await self._read(ref)
        blocker: Refused | None = None
        method: PaymentMethod | None = None
        try:
            method = _check_order(order)
        except Refused as refusal:
            blocker = refusal
        wallet = tuple(WalletEntry.of(item) for item in order.wallet or ())
        return Preview(order, mode, wallet, blocker, method)

    async def save(self, order_text: str, pm_text: str, actor: Actor) -> SaveResult:
        ref = _checked(parse_order_ref, order_text)
        pm_id = _checked(parse_payment_method_id, pm_text)
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

    async def sources(self, text: str) -> SourcesResult:
        ref = _checked(parse_customer_ref, text)
        if isinstance(ref, EmailRef):
            return await self._sources_by_email(ref)
        try:
            order, mode = await self._read(ref)
        except Refused:
            if ref.is_number:
                raise
            return await self._sources_by_customer_id(ref.value)
        if order.customer is None:
            raise Refused(
                f"Order {_label(order)} is a guest order: it has no customer, so no wallet.",
                next_step="Look the customer up by email instead: /wallet sources <email>.",
            )
        return await self._sources_of(order.customer.id, order.customer.email, mode, order)

    async def _save(self, ref: OrderRef, pm_id: str, actor: Actor) -> SaveResult:
        order, mode = await self._read(ref)
        async with self._locks.hold(order.id) as waited:
            if waited:  # another save of this order ran meanwhile: see what it left
                order, mode = await self._read(OrderRef(order.id, is_number=False))
            method = _check_order(order)
            method_set = await self._set_payment_method(order, method) if method else None
            _check_source(order, pm_id)
            source, created = await self._stripe_source(order, pm_id, actor)
            saved = await self._save_to_wallet(order, source, created)
        prior = {entry.id for entry in order.wallet or ()}
        matches = [item for item in saved.wallet or () if _is_card(item, source, pm_id)]
        if not matches:
            raise SaveFailed(
                f"Commerce Layer accepted the wallet save for order {_label(order)}, but the card "
                f"{mask_payment_method(pm_id)} is not among the customer's saved payment sources.",
                changed=_created_note(source, created),
                unchanged=("The customer's wallet did not change.",),
                next_step="Check the order's Stripe payment in the Commerce Layer dashboard; running "
                "the same command again is safe.",
            )
        added_ids = {item.id for item in matches if item.id not in prior}
        return SaveResult(
            order=order,  # the read has the customer; the save's answer includes only the wallet
            mode=mode,
            card=mask_payment_method(pm_id),
            wallet=tuple(WalletEntry.of(item, added=item.id in added_ids) for item in saved.wallet or ()),
            stripe_payment_id=source.id,
            created_source=created,
            already_in_wallet=not added_ids,
            payment_method_set=method_set,
        )

    async def _read(self, ref: OrderRef) -> tuple[Order, str]:
        params = {"include": ORDER_INCLUDE}
        try:
            if ref.is_number:
                doc = await self._cl.get(api_path("orders"), {**params, "filter[q][number_eq]": ref.value})
            else:
                doc = await self._cl.get(api_path("orders", ref.value), params)
            mode = await self._cl.mode()
        except NotFound:
            doc = None
        except CommerceLayerError as error:
            raise _unreachable(error, f"read order {ref}") from None
        resource = doc.first if doc else None
        if doc is None or resource is None:
            raise Refused(
                f"Order {ref} was not found in Commerce Layer.",
                next_step="Check the order number (or id) and try again.",
            )
        return Order.of(resource, doc), mode

    async def _set_payment_method(self, order: Order, method: PaymentMethod) -> PaymentMethod:
        try:
            await self._cl.update("orders", order.id, relationships={"payment_method": ("payment_methods", method.id)})
        except CommerceLayerError as error:
            raise _unreachable(error, f"set the Stripe payment method on order {_label(order)}") from None
        return method

    async def _stripe_source(self, order: Order, pm_id: str, actor: Actor) -> tuple[PaymentSource, bool]:
        existing = order.payment_source
        if existing is not None and existing.payment_method_id == pm_id:
            return existing, False
        try:
            return await self._create_stripe_payment(order, pm_id, actor), True
        except CommerceLayerError as error:
            if not error.maybe_applied:
                raise _create_refused(order, error) from None
            return await self._after_unclear_create(order, pm_id, actor, error)

    async def _create_stripe_payment(self, order: Order, pm_id: str, actor: Actor) -> PaymentSource:
        # The recipe's step 1: options are set here, at creation, because Stripe ignores a later update.
        attributes = {
            "options": {"id": pm_id, "setup_future_usage": "off_session"},
            "reference_origin": REFERENCE_ORIGIN,
            "metadata": actor.metadata(),
        }
        doc = await self._cl.create("stripe_payments", attributes, {"order": ("orders", order.id)})
        if doc.first is None:
            raise SaveFailed(
                "Commerce Layer answered the create without the Stripe payment source.",
                unchanged=(),
                next_step="Run the same command again: it finds the source if it was created.",
            )
        return PaymentSource.of(doc.first)

    async def _after_unclear_create(
        self, order: Order, pm_id: str, actor: Actor, error: CommerceLayerError
    ) -> tuple[PaymentSource, bool]:
        """The create got no clear answer: look at the order to learn whether it landed.

        If it did not, create it once more; if that goes unanswered too, look once more, so that a
        second create that landed is neither missed nor reported as "nothing was changed".
        """
        for second_look in (False, True):
            current = await self._read_back(order)
            if current is None:
                raise SaveFailed(
                    f"Commerce Layer did not answer when the Stripe payment source for order {_label(order)} "
                    f"was created ({error.message}), and the order could not be read back.",
                    unchanged=("It is not known whether the Stripe payment source was created.",),
                    next_step="Run the same command again: it finds and reuses the source if it was created.",
                )
            landed = current.payment_source
            if landed is not None and landed.payment_method_id == pm_id:
                return landed, True
            if second_look:
                break
            # It did not land: creating it now cannot make a second one.
            try:
                return await self._create_stripe_payment(order, pm_id, actor), True
            except CommerceLayerError as again:
                if not again.maybe_applied:
                    raise _create_refused(order, again) from None
                error = again
        raise _create_refused(order, error)  # looked twice: it is not there, nothing was changed

    async def _save_to_wallet(self, order: Order, source: PaymentSource, created: bool) -> Order:
        try:
            doc = await self._cl.update(
                "orders",
                order.id,
                {"_save_payment_source_to_customer_wallet": True},
                params={"include": "available_customer_payment_sources"},
            )
        except CommerceLayerError as error:
            unchanged = "The card is not in the customer's wallet yet."
            if error.maybe_applied:
                # No clear answer (timeout, lost connection, 5xx): the save may have landed. Look,
                # rather than tell the user the card is missing from a wallet that holds it.
                current = await self._read_back(order)
                if current is not None and any(
                    _is_card(item, source, source.payment_method_id or "") for item in current.wallet or ()
                ):
                    return current
                if current is None:
                    unchanged = "It is not known whether the card reached the customer's wallet."
            raise SaveFailed(
                f"The Stripe payment source for order {_label(order)} is ready, but saving it to the "
                f"customer's wallet failed: {_reason(error)}.",
                changed=_created_note(source, created),
                unchanged=(unchanged,),
                next_step="Run the same command again to finish: it reuses that payment source.",
            ) from None
        if doc.first is None:
            raise SaveFailed(
                "Commerce Layer answered the wallet save without the order.",
                changed=_created_note(source, created),
                unchanged=(),
                next_step="Run the same command again to finish.",
            )
        return Order.of(doc.first, doc)

    async def _read_back(self, order: Order) -> Order | None:
        """The order as Commerce Layer has it now, or None if it can't be read either."""
        try:
            current, _ = await self._read(OrderRef(order.id, is_number=False))
        except WalletError:
            return None
        return current

    async def _sources_by_email(self, ref: EmailRef) -> SourcesResult:
        try:
            doc = await self._cl.get(api_path("customers"), {"filter[q][email_eq]": ref.value})
            mode = await self._cl.mode()
        except CommerceLayerError as error:
            raise _unreachable(error, "look the customer up") from None
        customer = doc.first
        if customer is None:
            raise Refused(
                f"No customer with the email {ref.value} was found in Commerce Layer.",
                next_step="Check the address, or look the customer up by one of their orders.",
            )
        return await self._sources_of(customer.id, customer.attr("email"), mode)

    async def _sources_by_customer_id(self, customer_id: str) -> SourcesResult:
        try:
            doc = await self._cl.get(api_path("customers", customer_id))
            mode = await self._cl.mode()
        except NotFound:
            raise Refused(
                f"No order or customer with the id {customer_id} was found in Commerce Layer.",
                next_step="Check the id, or use an order number or the customer's email.",
            ) from None
        except CommerceLayerError as error:
            raise _unreachable(error, "look the customer up") from None
        customer = doc.first
        assert customer is not None
        return await self._sources_of(customer.id, customer.attr("email"), mode)

    async def _sources_of(
        self, customer_id: str, email: str | None, mode: str, order: Order | None = None
    ) -> SourcesResult:
        try:
            doc = await self._cl.get_all(api_path("customers", customer_id, "customer_payment_sources"))
        except CommerceLayerError as error:
            raise _unreachable(error, "list the customer's saved payment sources") from None
        entries = tuple(WalletEntry.of(CustomerPaymentSource.of(item)) for item in doc.data)
        return SourcesResult(customer_id, email, mode, entries, order)


def _checked(parse: Any, text: str) -> Any:
    try:
        return parse(text)
    except InputError as error:
        raise InvalidInput(str(error), next_step="Nothing was sent to Commerce Layer.", unchanged=()) from None


def _label(order: Order) -> str:
    return f"#{order.number}"


def _check_order(order: Order) -> PaymentMethod | None:
    """Refuse an order that can't take a wallet save; return a Stripe method to set, if one is needed."""
    label = _label(order)
    if order.status == "cancelled":
        raise Refused(
            f"Order {label} is cancelled: a card can't be saved through a cancelled order.",
            next_step="Use another order of this customer.",
        )
    if order.customer is None:
        raise Refused(
            f"Order {label} is a guest order: a wallet belongs to a customer, and this order has none.",
            next_step="Attach the order to a customer in Commerce Layer first, or use one of the customer's orders.",
        )
    if order.payment_method is None:
        stripe = [method for method in order.available_payment_methods if method.is_stripe]
        if len(stripe) == 1:
            return stripe[0]
        raise Refused(
            f"Order {label} has no payment method, and {len(stripe)} Stripe payment methods are available for it.",
            next_step="Select the Stripe payment method on the order in Commerce Layer, then try again.",
        )
    if not order.payment_method.is_stripe:
        raise Refused(
            f"Order {label} is paid with {order.payment_method.name or order.payment_method.payment_source_type}, "
            "not Stripe: only a Stripe card can be saved this way.",
            next_step="Use an order whose payment method is Stripe.",
        )
    source = order.payment_source
    if source is not None and not source.is_stripe:
        raise Refused(
            f"Order {label} already has a payment source that is not a Stripe payment ({source.type}).",
            next_step="Use an order whose payment source is a Stripe payment, or none yet.",
        )
    if source is not None and not source.off_session:
        raise Refused(
            f"Order {label}'s Stripe payment source was created without setup_future_usage: off_session, "
            "so Stripe can't reuse its card; an update can't change that.",
            next_step="Use another order, or remove this payment source in Commerce Layer and run the command again.",
        )
    return None


def _check_source(order: Order, pm_id: str) -> None:
    source = order.payment_source
    if source is not None and source.payment_method_id not in (None, pm_id):
        raise Refused(
            f"Order {_label(order)} already has a Stripe payment source for another card "
            f"({mask_payment_method(source.payment_method_id)}); an order holds one payment source.",
            next_step="Use another order for this card, or check which card the customer meant.",
        )


def _is_card(item: CustomerPaymentSource, source: PaymentSource, pm_id: str) -> bool:
    return item.payment_source_id == source.id or item.payment_source_token == pm_id


def _created_note(source: PaymentSource, created: bool) -> tuple[str, ...]:
    if created:
        return (f"The order's Stripe payment source was created ({source.id}).",)
    return (f"The order's Stripe payment source from an earlier attempt was reused ({source.id}).",)


def _reason(error: CommerceLayerError) -> str:
    if isinstance(error, Unavailable | RateLimited):
        return "Commerce Layer did not answer in time"
    return error.message


def _create_refused(order: Order, error: CommerceLayerError) -> WalletError:
    if isinstance(error, Unavailable | RateLimited | PermissionDenied | AuthenticationFailed):
        return _unreachable(error, f"create the Stripe payment source for order {_label(order)}")
    detail = error.message
    if "previously used" in detail.lower():
        detail = "Stripe says this PaymentMethod was already used without being attached to a customer"
        return Refused(
            f"The card can't be saved: {detail}.",
            next_step="Ask the customer to enter the card again, then use the new pm_… id.",
        )
    return Refused(
        f"Commerce Layer refused to create the Stripe payment source for order {_label(order)}: {detail}.",
        next_step="Fix what it names in Commerce Layer, then run the same command again.",
    )


def _unreachable(error: CommerceLayerError, doing: str) -> WalletError:
    if isinstance(error, AuthenticationFailed):
        return SaveFailed(
            "Commerce Layer refused the bot's credentials.",
            next_step="Ask whoever runs the bot to check CL_CLIENT_ID, CL_CLIENT_SECRET and CL_SCOPE.",
        )
    if isinstance(error, PermissionDenied):
        return SaveFailed(
            f"The bot's Commerce Layer integration is not allowed to {doing}.",
            next_step="Ask an admin to give the integration a role that can read orders and payment sources.",
        )
    if isinstance(error, Unavailable | RateLimited):
        return SaveFailed(
            f"Commerce Layer did not answer when the bot tried to {doing} ({error.message}).",
            next_step="Try again in a minute.",
        )
    return SaveFailed(
        f"Commerce Layer refused to {doing}: {error.message}.", next_step="Check the input and try again."
    )
