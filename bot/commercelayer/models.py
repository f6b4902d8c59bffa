"""Typed views of the Commerce Layer resources the wallet flow reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.commercelayer.jsonapi import Document, Linkage, ResourceObject

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


class CardDetails(_Model):
    """What Commerce Layer says about a card: brand, last 4 digits, expiry. Any of them may be unknown."""

    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None

    @classmethod
    def from_instrument(cls, raw: object) -> CardDetails | None:
        """A payment source's `payment_instrument`: card_type, card_last_digits, card_expiry_month/_year."""
        if not isinstance(raw, dict):
            return None
        return cls._known(
            raw.get("card_type"), raw.get("card_last_digits"), raw.get("card_expiry_month"), raw.get("card_expiry_year")
        )

    @classmethod
    def from_source_details(cls, raw: object) -> CardDetails | None:
        """An order's `payment_source_details`: its `payment_method_details` brand, last4, exp_month/_year."""
        details = raw.get("payment_method_details") if isinstance(raw, dict) else None
        if not isinstance(details, dict):
            return None
        return cls._known(details.get("brand"), details.get("last4"), details.get("exp_month"), details.get("exp_year"))

    @classmethod
    def _known(cls, brand: object, last4: object, month: object, year: object) -> CardDetails | None:
        card = cls(brand=_text(brand), last4=_text(last4), exp_month=_number(month), exp_year=_number(year))
        return card if card != cls() else None


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value) else None


def _number(value: object) -> int | None:
    """Commerce Layer sends expiry months and years as numbers or as strings ("2", "2031")."""
    try:
        return int(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else None
    except ValueError:
        return None


class PaymentSource(_Model):
    """A payment source, of any gateway; `options` is set only for Stripe payments."""

    id: str
    type: str
    options: dict[str, Any] = Field(default_factory=dict)
    card: CardDetails | None = None  # from its payment_instrument
    reference_origin: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    order_id: str | None = None  # when the read included its order

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
        options, metadata = res.attr("options"), res.attr("metadata")
        return cls(
            id=res.id,
            type=res.type,
            options=options if isinstance(options, dict) else {},
            card=CardDetails.from_instrument(res.attr("payment_instrument")),
            reference_origin=res.attr("reference_origin"),
            metadata=metadata if isinstance(metadata, dict) else {},
            created_at=res.attr("created_at"),
            updated_at=res.attr("updated_at"),
            order_id=_linked_id(res, "order"),
        )


def _linked_id(res: ResourceObject, name: str) -> str | None:
    """The id a to-one relationship points to, when the read included it."""
    relationship = res.relationships.get(name)
    linkage = relationship.data if relationship is not None else None
    return linkage.id if isinstance(linkage, Linkage) else None


class CustomerPaymentSource(_Model):
    """One entry of a customer's wallet; `source` is the payment source it was saved from, when included."""

    id: str
    name: str | None = None
    payment_source_token: str | None = None
    created_at: str | None = None
    payment_source_id: str | None = None
    payment_source_type: str | None = None
    customer_id: str | None = None
    source: PaymentSource | None = None

    @property
    def card(self) -> CardDetails | None:
        return self.source.card if self.source is not None else None

    @property
    def is_stripe(self) -> bool:
        """Saved from a Stripe payment; a tokens-only entry counts as Stripe when its token is a pm_… id."""
        if self.payment_source_type is not None:
            return self.payment_source_type == STRIPE_PAYMENTS
        return (self.payment_source_token or "").startswith("pm_")

    @classmethod
    def of(cls, res: ResourceObject, doc: Document | None = None) -> CustomerPaymentSource:
        relationship = res.relationships.get("payment_source")
        linkage = relationship.data if relationship is not None else None
        source = doc.one(res, "payment_source") if doc is not None else None
        return cls(
            id=res.id,
            name=res.attr("name"),
            payment_source_token=res.attr("payment_source_token"),
            created_at=res.attr("created_at"),
            payment_source_id=linkage.id if isinstance(linkage, Linkage) else None,
            payment_source_type=linkage.type if isinstance(linkage, Linkage) else None,
            customer_id=_linked_id(res, "customer"),
            source=PaymentSource.of(source) if source is not None else None,
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
    # The card of its payment source as the order shares it (payment_source_details).
    payment_source_card: CardDetails | None = None

    @property
    def source_card(self) -> CardDetails | None:
        """The card of the order's payment source: its own payment_instrument, else the order's details."""
        own = self.payment_source.card if self.payment_source is not None else None
        return own or self.payment_source_card

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
            wallet=None if wallet is None else tuple(CustomerPaymentSource.of(item, doc) for item in wallet),
            payment_source_card=CardDetails.from_source_details(res.attr("payment_source_details")),
        )
