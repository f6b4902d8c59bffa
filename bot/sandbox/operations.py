"""The write operations and Commerce Layer's rules for them.

Each operation validates everything first and only then changes the store, so a refused request
changes nothing (as Commerce Layer's transactions do).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.sandbox.cards import card_from_instrument, card_of, customer_token, source_details
from bot.sandbox.errors import ApiError, error, not_found, param_not_allowed, validation
from bot.sandbox.models import (
    CustomerPaymentSourceRecord,
    CustomerRecord,
    OrderRecord,
    PaymentMethodRecord,
    Ref,
    Store,
    StripePaymentRecord,
)

# Creatable/updatable attributes and relationships, from resources.json (schema 7.9.16), limited
# to what the sandbox models. Anything else is refused with 400 PARAM_NOT_ALLOWED.
STRIPE_CREATE_ATTRIBUTES = frozenset(
    {"stripe_id", "client_secret", "options", "return_url", "receipt_email"}
    | {"reference", "reference_origin", "metadata"}
)
STRIPE_UPDATE_ATTRIBUTES = frozenset(
    {"options", "return_url", "_update", "_refresh", "reference", "reference_origin", "metadata"}
)
ORDER_UPDATE_ATTRIBUTES = frozenset(
    {"_save_payment_source_to_customer_wallet", "_customer_payment_source_id"}
    | {"reference", "reference_origin", "metadata"}
)
WALLET_FLAG = "_save_payment_source_to_customer_wallet"
WALLET_POINTER = f"/data/attributes/{WALLET_FLAG}"
USE_FLAG = "_customer_payment_source_id"
USE_POINTER = f"/data/attributes/{USE_FLAG}"
# Order statuses whose payment can still change, and payment statuses that say it is done.
OPEN_STATUSES = ("draft", "pending")
SETTLED_PAYMENTS = ("authorized", "partially_authorized", "paid", "partially_paid")

_TYPES_OF_VALUES: dict[str, type] = {
    "options": dict,
    "metadata": dict,
    "reference": str,
    "reference_origin": str,
    "stripe_id": str,
    "client_secret": str,
    "return_url": str,
    "receipt_email": str,
    "_update": bool,
    "_refresh": bool,
    WALLET_FLAG: bool,
    USE_FLAG: str,
}


@dataclass
class ResourceInput:
    """The `data` member of a request body, checked for shape."""

    attributes: dict[str, Any]
    relationships: dict[str, Ref | None]


def parse_body(
    body: Any, expected_type: str, url_id: str | None, attributes: frozenset[str], relationships: frozenset[str]
) -> ResourceInput:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise error(400, "PARAM_MISSING", "Missing Parameter", "The required parameter, data, is missing.", "/data")
    _check_type_and_id(data, expected_type, url_id)
    attrs = data.get("attributes", {})
    rels = data.get("relationships", {})
    if not isinstance(attrs, dict) or not isinstance(rels, dict):
        raise error(400, "INVALID_DATA_FORMAT", "Invalid data format", "Data is not a valid JSON:API object.")
    problems = [param_not_allowed(k, f"/data/attributes/{k}") for k in attrs if k not in attributes]
    problems += [param_not_allowed(k, f"/data/relationships/{k}") for k in rels if k not in relationships]
    if problems:
        raise ApiError(problems)
    _check_value_types(attrs)
    return ResourceInput(attrs, {name: _linkage(name, value) for name, value in rels.items()})


def _check_type_and_id(data: dict[str, Any], expected_type: str, url_id: str | None) -> None:
    type_ = data.get("type")
    if type_ != expected_type:
        detail = f"{type_} is not a valid resource." if type_ else "The required parameter, type, is missing."
        raise error(400, "INVALID_RESOURCE", "Invalid resource", detail, "/data/type")
    if url_id is None:
        if "id" in data:
            raise ApiError([param_not_allowed("id", "/data/id")])
        return
    if "id" not in data:
        raise error(400, "PARAM_MISSING", "Missing Parameter", "The required parameter, id, is missing.", "/data/id")
    if data["id"] != url_id:
        detail = f"The URL does not support the key {data['id']}"
        raise error(400, "KEY_NOT_INCLUDED_IN_URL", "Key is not included in URL", detail, "/data/id")


def _check_value_types(attrs: dict[str, Any]) -> None:
    for name, value in attrs.items():
        wanted = _TYPES_OF_VALUES.get(name)
        if wanted is not None and value is not None and not isinstance(value, wanted):
            detail = f"{value!r} is not a valid value for {name}."
            raise error(400, "INVALID_FIELD_VALUE", "Invalid field value", detail, f"/data/attributes/{name}")


def _linkage(name: str, value: Any) -> Ref | None:
    data = value.get("data", ...) if isinstance(value, dict) else ...
    if data is None:
        return None
    if not (isinstance(data, dict) and isinstance(data.get("type"), str) and isinstance(data.get("id"), str)):
        detail = f"Data is not a valid JSON:API linkage for {name}."
        raise error(400, "INVALID_LINKS_OBJECT", "Invalid Links Object", detail, f"/data/relationships/{name}")
    return (data["type"], data["id"])


def _expect_type(ref: Ref, name: str, wanted: str) -> None:
    if ref[0] != wanted:
        detail = f"{ref[0]} is not a valid type for this operation."
        raise error(400, "TYPE_MISMATCH", "Type Mismatch", detail, f"/data/relationships/{name}")


def _order_for_payment(store: Store, ref: Ref | None) -> OrderRecord:
    if ref is None:
        raise validation("order", "can't be blank", "/data/relationships/order", "blank")
    _expect_type(ref, "order", "orders")
    order = store.get_as(OrderRecord, ref[1])
    if order is None:
        raise not_found("/data/relationships/order")
    if order.status == "cancelled":  # Inferred.CANCELLED_ORDER_TAKES_NO_PAYMENT
        raise validation("order", "is cancelled", "/data/relationships/order")
    return order


def _stripe_gateway(store: Store, order: OrderRecord) -> str:
    """The gateway a stripe payment inherits from its order's payment method."""
    pointer = "/data/relationships/payment_gateway"
    method = store.get_as(PaymentMethodRecord, order.payment_method_id) if order.payment_method_id else None
    if method is None:
        raise validation("payment_gateway", "can't be blank", pointer, "blank")
    if method.payment_source_type != StripePaymentRecord.TYPE:
        raise validation("payment_gateway", "is not a Stripe gateway", pointer)
    return method.payment_gateway_id


def create_stripe_payment(store: Store, body: Any) -> StripePaymentRecord:
    inp = parse_body(body, StripePaymentRecord.TYPE, None, STRIPE_CREATE_ATTRIBUTES, frozenset({"order"}))
    order = _order_for_payment(store, inp.relationships.get("order"))
    gateway_id = _stripe_gateway(store, order)
    attrs = {k: v for k, v in inp.attributes.items() if v is not None}
    payment = StripePaymentRecord(
        store.new_id(StripePaymentRecord.TYPE),
        order_id=order.id,
        payment_gateway_id=gateway_id,
        options=dict(attrs.pop("options", {})),
        **attrs,
    )
    token = payment.payment_method_token()
    if token is not None:  # Inferred.CARD_DETAILS_AT_CREATION
        payment.payment_instrument = card_of(token).instrument()
    store.add(payment)
    attach_payment(order, payment)
    order.touch()
    return payment


def attach_payment(order: OrderRecord, payment: StripePaymentRecord) -> None:
    """Makes `payment` the order's payment source, with the details the order shares of it."""
    order.payment_source = (payment.TYPE, payment.id)
    order.payment_source_details = source_details(payment)


def update_stripe_payment(store: Store, payment_id: str, body: Any) -> StripePaymentRecord:
    payment = store.get_as(StripePaymentRecord, payment_id)
    if payment is None:
        raise not_found()
    inp = parse_body(body, StripePaymentRecord.TYPE, payment_id, STRIPE_UPDATE_ATTRIBUTES, frozenset())
    attrs = dict(inp.attributes)
    if "options" in attrs and attrs["options"] != payment.options:
        # The wallet guide: "Any further update won't be considered by Stripe and will result in an error."
        message = "can't be changed after creation: Stripe ignores it"
        raise validation("options", message, "/data/attributes/options")
    for name in ("options", "_update", "_refresh"):  # no-ops: same options, or nothing to refresh
        attrs.pop(name, None)
    for name, value in attrs.items():  # Inferred.METADATA_IS_REPLACED
        setattr(payment, name, value)
    payment.touch()
    return payment


def update_order(store: Store, order_id: str, body: Any) -> OrderRecord:
    order = store.get_as(OrderRecord, order_id)
    if order is None:
        raise not_found()
    inp = parse_body(body, OrderRecord.TYPE, order_id, ORDER_UPDATE_ATTRIBUTES, frozenset({"payment_method"}))
    attrs = dict(inp.attributes)
    save = attrs.pop(WALLET_FLAG, False) is True
    card_id = attrs.pop(USE_FLAG, None)
    updated = dataclasses.replace(order, **attrs)
    if "payment_method" in inp.relationships:
        _change_payment_method(store, updated, inp.relationships["payment_method"])
    reused = _payment_from_wallet(store, updated, card_id) if card_id is not None else None
    source = _wallet_source(store, updated) if save else None
    _commit(store, order, updated)
    if reused is not None:
        store.add(reused)
        attach_payment(updated, reused)
    if source is not None:
        add_to_wallet(store, updated, source)
    return updated


def _commit(store: Store, old: OrderRecord, new: OrderRecord) -> None:
    new.touch()
    store.records[OrderRecord.TYPE][old.id] = new


def _change_payment_method(store: Store, order: OrderRecord, ref: Ref | None) -> None:
    pointer = "/data/relationships/payment_method"
    if order.status == "cancelled":
        raise validation("payment_method", "can't be changed on a cancelled order", pointer)
    if ref is not None:
        _expect_type(ref, "payment_method", PaymentMethodRecord.TYPE)
        method = store.get_as(PaymentMethodRecord, ref[1])
        if method is None:
            raise not_found(pointer)
        if method.id not in order.available_payment_method_ids or method.disabled_at:
            raise validation("payment_method", "is not available for this order", pointer)
    new_id = ref[1] if ref else None
    if new_id != order.payment_method_id:  # Inferred.METHOD_CHANGE_DROPS_SOURCE
        order.payment_source = None
        order.payment_source_details = None
    order.payment_method_id = new_id


def _payment_from_wallet(store: Store, order: OrderRecord, card_id: str) -> StripePaymentRecord:
    """The Stripe payment that reusing wallet entry `card_id` makes for the order (Inferred.USE_CREATES_A_PAYMENT).

    Checked first, created by the caller once every check of the request has passed.
    """
    card = _reusable_card(store, order, card_id)
    method = store.get_as(PaymentMethodRecord, order.payment_method_id) if order.payment_method_id else None
    card_type = card.payment_source[0] if card.payment_source else StripePaymentRecord.TYPE
    # The sandbox reuses Stripe cards only; any other gateway's card is told the same as a mismatch.
    if method is None or not method.payment_source_type == card_type == StripePaymentRecord.TYPE:
        # Inferred.USE_NEEDS_MATCHING_METHOD
        pointer = "/data/relationships/payment_method"
        raise validation("payment_method", "must be the saved card's payment method", pointer)
    origin = store.get_as(StripePaymentRecord, card.payment_source[1]) if card.payment_source else None
    return StripePaymentRecord(
        store.new_id(StripePaymentRecord.TYPE),
        order_id=order.id,
        payment_gateway_id=method.payment_gateway_id,
        options={"customer": card.customer_token, "payment_method": card.payment_source_token},
        payment_instrument=dict(origin.payment_instrument) if origin and origin.payment_instrument else None,
    )


def _reusable_card(store: Store, order: OrderRecord, card_id: str) -> CustomerPaymentSourceRecord:
    def refuse(message: str) -> ApiError:
        return validation(USE_FLAG, message, USE_POINTER)

    if order.status not in OPEN_STATUSES:  # Inferred.USE_ON_DRAFT_OR_PENDING_ONLY
        raise refuse(f"can't be used on a {order.status} order")
    if order.payment_status in SETTLED_PAYMENTS:  # Inferred.USE_NOT_ON_PAID_ORDER
        raise refuse(f"can't be used on an order whose payment is {order.payment_status}")
    if not order.customer_id:  # Inferred.USE_NEEDS_A_CUSTOMER
        raise refuse("requires an order with a customer (a guest order has no wallet)")
    card = store.get_as(CustomerPaymentSourceRecord, card_id)
    if card is None:  # Inferred.USE_UNKNOWN_CARD
        raise not_found(USE_POINTER)
    if card.customer_id != order.customer_id:  # Inferred.USE_CARD_OF_ANOTHER_CUSTOMER
        raise refuse("belongs to another customer")
    return card


def _wallet_source(store: Store, order: OrderRecord) -> StripePaymentRecord:
    """The order's payment source, if Commerce Layer could save it to the customer's wallet."""

    def refuse(message: str) -> ApiError:
        return validation(WALLET_FLAG, message, WALLET_POINTER)

    if order.status == "cancelled":  # Inferred.WALLET_SAVE_RULES
        raise refuse("can't save the payment source of a cancelled order")
    if not order.customer_id or store.get_as(CustomerRecord, order.customer_id) is None:
        raise refuse("requires an order with a customer (a guest order has no wallet)")
    if order.payment_source is None:
        raise refuse("requires an order with a payment source")
    payment = store.get_as(StripePaymentRecord, order.payment_source[1])
    if order.payment_source[0] != StripePaymentRecord.TYPE or payment is None:
        raise refuse(f"can't save a payment source of type {order.payment_source[0]}")
    if payment.options.get("setup_future_usage") != "off_session" or payment.payment_method_token() is None:
        raise refuse(
            "requires a Stripe payment source created with options setup_future_usage 'off_session' "
            "and a payment method id"
        )
    return payment


def add_to_wallet(store: Store, order: OrderRecord, payment: StripePaymentRecord) -> CustomerPaymentSourceRecord:
    """Adds the payment source to the wallet once: saving it again returns the saved entry."""
    assert order.customer_id is not None  # checked by _wallet_source
    for saved in store.wallet(order.customer_id):  # Inferred.WALLET_SAVE_ONCE
        if saved.payment_source == (payment.TYPE, payment.id):
            return saved
    token = payment.payment_method_token() or ""
    card = card_from_instrument(payment.payment_instrument) or card_of(token)
    source = CustomerPaymentSourceRecord(
        store.new_id(CustomerPaymentSourceRecord.TYPE),
        name=card.name,
        customer_id=order.customer_id,
        payment_method_id=order.payment_method_id,
        payment_source=(payment.TYPE, payment.id),
        customer_token=customer_token(order.customer_id),
        payment_source_token=token,
    )
    store.add(source)
    return source


def delete_customer_payment_source(store: Store, source_id: str) -> None:
    source = store.get_as(CustomerPaymentSourceRecord, source_id)
    if source is None:
        raise not_found()
    store.remove(source)  # Inferred.DELETE_KEEPS_THE_PAYMENT
