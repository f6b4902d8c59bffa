"""Typed views of the Commerce Layer resources the wallet flow reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.commercelayer.jsonapi import Document, ResourceObject

STRIPE_PAYMENTS = "stripe_payments"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PaymentMethod(_Model):
    id: str
    name: str | None = None
    payment_source_type: str | None = None

    @property
    def is_stripe(self) -> bool:
        return self.payment_source_type == STRIPE_PAYMENTS

    @classmethod
    def of(cls, res: ResourceObject) -> PaymentMethod:
        return cls(id=res.id, name=res.attr("name"), payment_source_type=res.attr("payment_source_type"))


class Customer(_Model):
    id: str
    email: str | None = None

    @classmethod
    def of(cls, res: ResourceObject) -> Customer:
        return cls(id=res.id, email=res.attr("email"))


class PaymentSource(_Model):
    """The order's payment source, of any gateway; `options` is set only for Stripe payments."""

    id: str
    type: str
    options: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_stripe(self) -> bool:
        return self.type == STRIPE_PAYMENTS

    @property
    def payment_method_id(self) -> str | None:
        value = self.options.get("id") or self.options.get("payment_method")
        return str(value) if value else None

    @property
    def off_session(self) -> bool:
        return self.options.get("setup_future_usage") == "off_session"

    @classmethod
    def of(cls, res: ResourceObject) -> PaymentSource:
        options = res.attr("options")
        return cls(id=res.id, type=res.type, options=options if isinstance(options, dict) else {})


class CustomerPaymentSource(_Model):
    """One entry of a customer's wallet."""

    id: str
    name: str | None = None
    payment_source_token: str | None = None
    created_at: str | None = None
    payment_source_id: str | None = None

    @classmethod
    def of(cls, res: ResourceObject) -> CustomerPaymentSource:
        source = res.relationships.get("payment_source")
        linkage = source.data if source is not None else None
        return cls(
            id=res.id,
            name=res.attr("name"),
            payment_source_token=res.attr("payment_source_token"),
            created_at=res.attr("created_at"),
            payment_source_id=getattr(linkage, "id", None),
        )


class Order(_Model):
    id: str
    number: str
    status: str
    payment_status: str | None = None
    customer_email: str | None = None
    total: str | None = None
    customer: Customer | None = None
    payment_method: PaymentMethod | None = None
    payment_source: PaymentSource | None = None
    available_payment_methods: tuple[PaymentMethod, ...] = ()
    # None when the read did not include the wallet, () when it is empty.
    wallet: tuple[CustomerPaymentSource, ...] | None = None

    @classmethod
    def of(cls, res: ResourceObject, doc: Document) -> Order:
        customer = doc.one(res, "customer")
        method = doc.one(res, "payment_method")
        source = doc.one(res, "payment_source")
        wallet = doc.many(res, "available_customer_payment_sources")
        return cls(
            id=res.id,
            number=str(res.attr("number") or res.id),
            status=str(res.attr("status") or "unknown"),
            payment_status=res.attr("payment_status"),
            customer_email=res.attr("customer_email"),
            total=res.attr("formatted_total_amount_with_taxes"),
            customer=Customer.of(customer) if customer else None,
            payment_method=PaymentMethod.of(method) if method else None,
            payment_source=PaymentSource.of(source) if source else None,
            available_payment_methods=tuple(
                PaymentMethod.of(item) for item in doc.many(res, "available_payment_methods") or []
            ),
            wallet=None if wallet is None else tuple(CustomerPaymentSource.of(item) for item in wallet),
        )
