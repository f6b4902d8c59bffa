"""Reading from Commerce Layer: orders, customers and their saved payment sources. Nothing here writes."""

from __future__ import annotations

from bot.commercelayer import CommerceLayer, CommerceLayerError, NotFound, api_path
from bot.commercelayer.jsonapi import ResourceObject
from bot.commercelayer.models import CustomerPaymentSource, Order
from bot.wallet import rules
from bot.wallet.errors import Refused, WalletError, unreachable
from bot.wallet.refs import CustomerRef, EmailRef, OrderRef
from bot.wallet.results import SourcesResult, WalletEntry

# Everything a preview and a save look at, so that one request reads the whole order.
ORDER_INCLUDE = "customer,payment_method,payment_source,available_payment_methods,available_customer_payment_sources"


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
    return await _sources_of(cl, order.customer.id, order.customer.email, mode, order)


async def _sources_by_email(cl: CommerceLayer, ref: EmailRef) -> SourcesResult:
    try:
        doc = await cl.get(api_path("customers"), {"filter[q][email_eq]": ref.value})
        mode = await cl.mode()
    except CommerceLayerError as error:
        raise unreachable(error, "look the customer up") from None
    if doc.first is None:
        raise rules.no_customer_with_email(ref)
    return await _sources_of_customer(cl, doc.first, mode)


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
    return await _sources_of(cl, customer.id, customer.attr("email"), mode)


async def _sources_of(
    cl: CommerceLayer, customer_id: str, email: str | None, mode: str, order: Order | None = None
) -> SourcesResult:
    try:
        doc = await cl.get_all(api_path("customers", customer_id, "customer_payment_sources"))
    except CommerceLayerError as error:
        raise unreachable(error, "list the customer's saved payment sources") from None
    entries = tuple(WalletEntry.of(CustomerPaymentSource.of(item)) for item in doc.data)
    return SourcesResult(customer_id, email, mode, entries, order)
