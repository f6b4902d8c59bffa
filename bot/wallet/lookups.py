"""Reading from Commerce Layer: orders, customers and their saved payment sources. Nothing here writes."""

from __future__ import annotations

from bot.commercelayer import CommerceLayer, CommerceLayerError, NotFound, api_path
from bot.commercelayer.jsonapi import ResourceObject
from bot.commercelayer.models import CustomerPaymentSource, Order
from bot.wallet import rules
from bot.wallet.errors import Refused, WalletError, unreachable
from bot.wallet.refs import CardRef, CustomerRef, EmailRef, OrderRef
from bot.wallet.results import SourcesResult, WalletEntry, entries_of

# Everything a preview, a save and a use look at, so that one request reads the whole order; the
# wallet's payment sources hold the cards' details.
ORDER_INCLUDE = (
    "customer,payment_method,payment_source,available_payment_methods,"
    "available_customer_payment_sources,available_customer_payment_sources.payment_source"
)
# A wallet entry with what tells its card apart, and whose it is.
CARD_INCLUDE = "customer,payment_source"


async def read_order(cl: CommerceLayer, ref: OrderRef) -> tuple[Order, str]:
    """The order with ORDER_INCLUDE, and the mode ("test" or "live") it was read in."""
    params = {"include": ORDER_INCLUDE}
    try:
        if ref.is_number:
            doc = await cl.get(api_path("orders"), {**params, "filter[q][number_eq]": ref.value})
        else:
            doc = await cl.get(api_path("orders", ref.value), params)
        mode = await cl.mode()
    except NotFound:
        raise rules.order_not_found(ref) from None
    except CommerceLayerError as error:
        raise unreachable(error, f"read order {ref}") from None
    if doc.first is None:
        raise rules.order_not_found(ref)
    return Order.of(doc.first, doc), mode


async def reread(cl: CommerceLayer, order: Order) -> tuple[Order, str]:
    """The order as it is now, by its id."""
    return await read_order(cl, OrderRef(order.id, is_number=False))


async def read_back(cl: CommerceLayer, order: Order) -> Order | None:
    """The order as Commerce Layer has it now, or None if it can't be read either."""
    try:
        current, _ = await reread(cl, order)
    except WalletError:
        return None
    return current


async def customer_sources(cl: CommerceLayer, ref: CustomerRef) -> SourcesResult:
    """The saved payment sources of the customer with that email, of the order's customer, or, for
    an id that is no order's, of the customer with that id."""
    if isinstance(ref, EmailRef):
        return await _sources_by_email(cl, ref)
    try:
        order, mode = await read_order(cl, ref)
    except Refused:  # not found; a Commerce Layer failure is told as it is
        if ref.is_number:
            raise
        return await _sources_by_customer_id(cl, ref.value)
    if (refusal := rules.guest_order_has_no_wallet(order)) is not None:
        raise refusal
    assert order.customer is not None  # a guest order was refused above
    return await sources_of(cl, order.customer.id, order.customer.email, mode, order)


async def _sources_by_email(cl: CommerceLayer, ref: EmailRef) -> SourcesResult:
    customer, mode = await find_customer(cl, ref)
    return await _sources_of_customer(cl, customer, mode)


async def find_customer(cl: CommerceLayer, ref: EmailRef) -> tuple[ResourceObject, str]:
    """The customer with that email, and the mode it was read in."""
    try:
        doc = await cl.get(api_path("customers"), {"filter[q][email_eq]": ref.value})
        mode = await cl.mode()
    except CommerceLayerError as error:
        raise unreachable(error, "look the customer up") from None
    if doc.first is None:
        raise rules.no_customer_with_email(ref)
    return doc.first, mode


async def _sources_by_customer_id(cl: CommerceLayer, customer_id: str) -> SourcesResult:
    try:
        doc = await cl.get(api_path("customers", customer_id))
        mode = await cl.mode()
    except NotFound:
        raise rules.no_order_or_customer_with_id(customer_id) from None
    except CommerceLayerError as error:
        raise unreachable(error, "look the customer up") from None
    if doc.first is None:
        raise rules.no_order_or_customer_with_id(customer_id)
    return await _sources_of_customer(cl, doc.first, mode)


async def _sources_of_customer(cl: CommerceLayer, customer: ResourceObject, mode: str) -> SourcesResult:
    return await sources_of(cl, customer.id, customer.attr("email"), mode)


async def sources_of(
    cl: CommerceLayer, customer_id: str, email: str | None, mode: str, order: Order | None = None
) -> SourcesResult:
    """The customer's wallet as it is now, every page of it."""
    return SourcesResult(customer_id, email, mode, entries_of(await wallet_of(cl, customer_id)), order)


async def wallet_of(cl: CommerceLayer, customer_id: str) -> list[CustomerPaymentSource]:
    try:
        path = api_path("customers", customer_id, "customer_payment_sources")
        doc = await cl.get_all(path, {"include": "payment_source"})
    except CommerceLayerError as error:
        raise unreachable(error, "list the customer's saved payment sources") from None
    return [CustomerPaymentSource.of(item, doc) for item in doc.data]


async def find_in_wallet(
    cl: CommerceLayer, wallet: tuple[WalletEntry, ...], ref: CardRef, email: str | None
) -> WalletEntry:
    """The one entry of `wallet` (the customer with `email`'s) that `ref` names; Refused says why there
    is none: no match, several, or a card of another customer."""
    if ref.by_last4:
        matches = [entry for entry in wallet if entry.card.last_digits == ref.value]
        if len(matches) > 1:
            raise rules.several_cards_match(ref, email, matches)
    else:
        matches = [entry for entry in wallet if entry.id == ref.value]
        if not matches and await read_card(cl, ref.value) is not None:
            raise rules.card_of_another_customer(ref.value, email)
    if not matches:
        raise rules.no_card_matches(ref, email, wallet)
    return matches[0]


async def read_card(cl: CommerceLayer, card_id: str) -> CustomerPaymentSource | None:
    """The wallet entry with that id, with its customer and payment source; None if there is none."""
    try:
        doc = await cl.get(api_path("customer_payment_sources", card_id), {"include": CARD_INCLUDE})
    except NotFound:
        return None
    except CommerceLayerError as error:
        raise unreachable(error, f"read saved card {card_id}") from None
    return CustomerPaymentSource.of(doc.first, doc) if doc.first is not None else None
