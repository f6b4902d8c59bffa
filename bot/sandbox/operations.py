"""The write operations and Commerce Layer's rules for them.

Each operation validates everything first and only then changes the store, so a refused request
changes nothing (as Commerce Layer's transactions do).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any

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
    {"_save_payment_source_to_customer_wallet", "reference", "reference_origin", "metadata"}
)
WALLET_FLAG = "_save_payment_source_to_customer_wallet"
WALLET_POINTER = f"/data/attributes/{WALLET_FLAG}"

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
}

# Test cards of Stripe's docs have well-known last digits; other ids get digits from a hash.
_KNOWN_CARDS = {
    "pm_card_visa": "XXXX-XXXX-XXXX-4242",
    "pm_card_mastercard": "XXXX-XXXX-XXXX-4444",
    "pm_card_amex": "XXXX-XXXXXX-X0005",
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
    if order.status == "cancelled":
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
    store.add(payment)
    order.payment_source = (payment.TYPE, payment.id)
    order.touch()
    return payment


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
    for name, value in attrs.items():
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
    updated = dataclasses.replace(order, **attrs)
    if "payment_method" in inp.relationships:
        _change_payment_method(store, updated, inp.relationships["payment_method"])
    source = _wallet_source(store, updated) if save else None
    _commit(store, order, updated)
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
    if new_id != order.payment_method_id:
        # A payment source belongs to its method's gateway: a new method leaves the order without one.
        order.payment_source = None
    order.payment_method_id = new_id


def _wallet_source(store: Store, order: OrderRecord) -> StripePaymentRecord:
    """The order's payment source, if Commerce Layer could save it to the customer's wallet."""

    def refuse(message: str) -> ApiError:
        return validation(WALLET_FLAG, message, WALLET_POINTER)

    if order.status == "cancelled":
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
    for saved in store.wallet(order.customer_id):
        if saved.payment_source == (payment.TYPE, payment.id):
            return saved
    token = payment.payment_method_token() or ""
    source = CustomerPaymentSourceRecord(
        store.new_id(CustomerPaymentSourceRecord.TYPE),
        name=card_name(token),
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
    store.remove(source)


def card_name(payment_method_token: str) -> str:
    """The masked card name Commerce Layer shows, with last digits derived from the pm id."""
    if payment_method_token in _KNOWN_CARDS:
        return _KNOWN_CARDS[payment_method_token]
    tail = payment_method_token[-4:]
    if not tail.isdigit():
        tail = str(int(hashlib.sha256(payment_method_token.encode()).hexdigest(), 16) % 10000).zfill(4)
    return f"XXXX-XXXX-XXXX-{tail}"


def customer_token(customer_id: str) -> str:
    """A stable Stripe customer id for a Commerce Layer customer."""
    return "cus_" + hashlib.sha256(customer_id.encode()).hexdigest()[:14]
