"""The sandbox's records: the few Commerce Layer resources the wallet flow touches, kept in memory."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

# A JSON:API resource identifier: (type, id).
Ref = tuple[str, str]

_ID_ALPHABET = string.ascii_letters


def now_iso() -> str:
    """Commerce Layer's timestamp format, e.g. 2018-01-01T12:00:00.000Z."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_id() -> str:
    """Commerce Layer ids are 10 random letters, e.g. qaMAhZkZvd."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


def random_token(length: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def format_euros(cents: int) -> str:
    """Commerce Layer formats EUR amounts the European way: €1.234,56."""
    whole, rest = divmod(cents, 100)
    return f"€{whole:,}".replace(",", ".") + f",{rest:02d}"


@dataclass
class Common:
    """Fields every Commerce Layer resource has."""

    id: str
    created_at: str = field(default_factory=now_iso, kw_only=True)
    updated_at: str = field(default_factory=now_iso, kw_only=True)
    reference: str | None = field(default=None, kw_only=True)
    reference_origin: str | None = field(default=None, kw_only=True)
    metadata: dict[str, Any] = field(default_factory=dict, kw_only=True)

    def common_attributes(self) -> dict[str, Any]:
        return {
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "reference": self.reference,
            "reference_origin": self.reference_origin,
            "metadata": self.metadata,
        }

    def touch(self) -> None:
        self.updated_at = now_iso()


@dataclass
class PaymentGatewayRecord(Common):
    TYPE: ClassVar[str] = "payment_gateways"
    name: str

    def attributes(self) -> dict[str, Any]:
        return {"name": self.name, **self.common_attributes()}


@dataclass
class PaymentMethodRecord(Common):
    TYPE: ClassVar[str] = "payment_methods"
    name: str
    payment_source_type: str
    payment_gateway_id: str
    currency_code: str = "EUR"
    disabled_at: str | None = None

    def attributes(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "payment_source_type": self.payment_source_type,
            "currency_code": self.currency_code,
            "moto": False,
            "require_capture": True,
            "auto_place": False,
            "auto_capture": False,
            "price_amount_cents": 0,
            "price_amount_float": 0.0,
            "formatted_price_amount": format_euros(0),
            "disabled_at": self.disabled_at,
            **self.common_attributes(),
        }


@dataclass
class CustomerRecord(Common):
    TYPE: ClassVar[str] = "customers"
    email: str
    status: str = "acquired"

    def attributes(self) -> dict[str, Any]:
        return {"email": self.email, "status": self.status, "has_password": False, **self.common_attributes()}


@dataclass
class OrderRecord(Common):
    TYPE: ClassVar[str] = "orders"
    number: str
    status: str
    customer_id: str | None
    customer_email: str | None
    total_cents: int
    payment_method_id: str | None
    available_payment_method_ids: list[str]
    payment_source: Ref | None = None
    payment_source_details: dict[str, Any] | None = None  # Inferred.SOURCE_DETAILS_FROM_SOURCE
    guest: bool = False
    payment_status: str = "authorized"
    fulfillment_status: str = "unfulfilled"
    currency_code: str = "EUR"
    placed_at: str | None = None
    cancelled_at: str | None = None

    def attributes(self) -> dict[str, Any]:
        total = {
            "subtotal_amount_cents": self.total_cents,
            "subtotal_amount_float": self.total_cents / 100,
            "formatted_subtotal_amount": format_euros(self.total_cents),
            "total_amount_cents": self.total_cents,
            "total_amount_float": self.total_cents / 100,
            "formatted_total_amount": format_euros(self.total_cents),
            "total_amount_with_taxes_cents": self.total_cents,
            "total_amount_with_taxes_float": self.total_cents / 100,
            "formatted_total_amount_with_taxes": format_euros(self.total_cents),
        }
        return {
            "number": self.number,
            "status": self.status,
            "payment_status": self.payment_status,
            "fulfillment_status": self.fulfillment_status,
            "guest": self.guest,
            "editable": self.status in ("draft", "pending"),
            "customer_email": self.customer_email,
            "language_code": "en",
            "currency_code": self.currency_code,
            "tax_included": True,
            **total,
            "skus_count": 1,
            "payment_source_details": self.payment_source_details,
            "placed_at": self.placed_at,
            "cancelled_at": self.cancelled_at,
            **self.common_attributes(),
        }


@dataclass
class StripePaymentRecord(Common):
    TYPE: ClassVar[str] = "stripe_payments"
    order_id: str
    payment_gateway_id: str
    options: dict[str, Any]
    stripe_id: str = field(default_factory=lambda: "pi_" + random_token(24))
    client_secret: str = ""
    return_url: str | None = None
    receipt_email: str | None = None
    payment_instrument: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not self.client_secret:
            self.client_secret = f"{self.stripe_id}_secret_{random_token(25)}"

    def payment_method_token(self) -> str | None:
        """The Stripe PaymentMethod id the options name: the 2021 guide uses `id`, the spec `payment_method`."""
        for key in ("id", "payment_method"):
            value = self.options.get(key)
            if isinstance(value, str) and value.startswith("pm_"):
                return value
        return None

    def attributes(self) -> dict[str, Any]:
        return {
            "stripe_id": self.stripe_id,
            "client_secret": self.client_secret,
            "publishable_key": "pk_test_sandbox",
            "options": self.options,
            "payment_method": None,  # Inferred.WEBHOOK_NEVER_ARRIVES
            "mismatched_amounts": False,
            "return_url": self.return_url,
            "receipt_email": self.receipt_email,
            "payment_instrument": self.payment_instrument,
            **self.common_attributes(),
        }


@dataclass
class PaypalPaymentRecord(Common):
    TYPE: ClassVar[str] = "paypal_payments"
    order_id: str
    payment_gateway_id: str
    return_url: str = "https://example.com/paypal/return"
    cancel_url: str = "https://example.com/paypal/cancel"

    def attributes(self) -> dict[str, Any]:
        return {
            "return_url": self.return_url,
            "cancel_url": self.cancel_url,
            "note_to_payer": None,
            "paypal_payer_id": None,
            "name": None,
            "paypal_id": None,
            "status": "created",
            "approval_url": None,
            "payment_instrument": None,
            **self.common_attributes(),
        }


@dataclass
class CustomerPaymentSourceRecord(Common):
    TYPE: ClassVar[str] = "customer_payment_sources"
    name: str
    customer_id: str
    payment_method_id: str | None
    payment_source: Ref | None
    customer_token: str
    payment_source_token: str

    def attributes(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "customer_token": self.customer_token,
            "payment_source_token": self.payment_source_token,
            **self.common_attributes(),
        }


Resource = (
    PaymentGatewayRecord
    | PaymentMethodRecord
    | CustomerRecord
    | OrderRecord
    | StripePaymentRecord
    | PaypalPaymentRecord
    | CustomerPaymentSourceRecord
)
RESOURCE_CLASSES: tuple[type[Resource], ...] = (
    PaymentGatewayRecord,
    PaymentMethodRecord,
    CustomerRecord,
    OrderRecord,
    StripePaymentRecord,
    PaypalPaymentRecord,
    CustomerPaymentSourceRecord,
)
TYPES: tuple[str, ...] = tuple(cls.TYPE for cls in RESOURCE_CLASSES)

R = TypeVar("R", bound=Resource)


class Store:
    """All records by type and id, plus the indexes that keep lookups O(1) under load tests."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Resource]] = {t: {} for t in TYPES}
        self.orders_by_number: dict[str, str] = {}
        self.customers_by_email: dict[str, str] = {}
        # Insertion-ordered id sets (dicts), so listings keep creation order.
        self.wallets: dict[str, dict[str, None]] = {}
        self.orders_by_customer: dict[str, dict[str, None]] = {}
        self.payments_by_order: dict[str, dict[str, None]] = {}

    def add(self, record: Resource) -> None:
        if record.id in self.records[record.TYPE]:
            raise ValueError(f"duplicate {record.TYPE} id {record.id}")
        self.records[record.TYPE][record.id] = record
        self._index(record)

    def _index(self, record: Resource) -> None:
        if isinstance(record, OrderRecord):
            self.orders_by_number[record.number] = record.id
            if record.customer_id:
                self.orders_by_customer.setdefault(record.customer_id, {})[record.id] = None
        elif isinstance(record, CustomerRecord):
            self.customers_by_email[record.email.lower()] = record.id
        elif isinstance(record, CustomerPaymentSourceRecord):
            self.wallets.setdefault(record.customer_id, {})[record.id] = None
        elif isinstance(record, StripePaymentRecord):
            self.payments_by_order.setdefault(record.order_id, {})[record.id] = None

    def remove(self, record: Resource) -> None:
        del self.records[record.TYPE][record.id]
        if isinstance(record, CustomerPaymentSourceRecord):
            self.wallets.get(record.customer_id, {}).pop(record.id, None)

    def get(self, type_: str, id_: str) -> Resource | None:
        return self.records.get(type_, {}).get(id_)

    def get_as(self, cls: type[R], id_: str) -> R | None:
        record = self.records[cls.TYPE].get(id_)
        return record if isinstance(record, cls) else None

    def all(self, type_: str) -> list[Resource]:
        return list(self.records[type_].values())

    def many(self, cls: type[R], ids: Iterable[str]) -> list[R]:
        found = (self.get_as(cls, id_) for id_ in ids)
        return [record for record in found if record is not None]

    def new_id(self, type_: str) -> str:
        while True:
            candidate = new_id()
            if candidate not in self.records[type_]:
                return candidate

    def wallet(self, customer_id: str) -> list[CustomerPaymentSourceRecord]:
        return self.many(CustomerPaymentSourceRecord, self.wallets.get(customer_id, {}))

    def stripe_payments_for(self, order_id: str) -> list[StripePaymentRecord]:
        return self.many(StripePaymentRecord, self.payments_by_order.get(order_id, {}))

    def customer_by_email(self, email: str) -> CustomerRecord | None:
        id_ = self.customers_by_email.get(email.lower())
        return self.get_as(CustomerRecord, id_) if id_ else None

    def order_by_number(self, number: str) -> OrderRecord | None:
        id_ = self.orders_by_number.get(number)
        return self.get_as(OrderRecord, id_) if id_ else None
