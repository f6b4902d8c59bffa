"""The card behind a `pm_…` id, as the sandbox makes it up: brand, last digits, expiry, and the
shapes Commerce Layer gives them (a payment's `payment_instrument`, an order's
`payment_source_details`, a wallet entry's name). Inferred.CARD_DETAILS_AT_CREATION says why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bot.sandbox.models import StripePaymentRecord

_BRANDS = ("visa", "mastercard")


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int

    def instrument(self) -> dict[str, Any]:
        """A Stripe payment's `payment_instrument`, as Commerce Layer's dashboard reads it (strings)."""
        return {
            "issuer_type": "card",
            "card_type": self.brand,
            "card_last_digits": self.last4,
            "card_expiry_month": str(self.exp_month),
            "card_expiry_year": str(self.exp_year),
        }

    @property
    def name(self) -> str:
        """A wallet entry's name: Commerce Layer's masked card number (Inferred.WALLET_ENTRY_DERIVED)."""
        if self.brand == "amex":
            return f"XXXX-XXXXXX-X{self.last4}"
        return f"XXXX-XXXX-XXXX-{self.last4}"


# Stripe's test PaymentMethods, with the numbers and brands of Stripe's test cards.
TEST_CARDS = {
    "pm_card_visa": Card("visa", "4242", 12, 2030),
    "pm_card_mastercard": Card("mastercard", "4444", 11, 2029),
    "pm_card_amex": Card("amex", "0005", 10, 2031),
}


def card_of(token: str) -> Card:
    """The card of a pm_… id: a Stripe test card's, or one derived from the id (the same every time)."""
    if token in TEST_CARDS:
        return TEST_CARDS[token]
    digest = int(hashlib.sha256(token.encode()).hexdigest(), 16)
    tail = token[-4:]
    last4 = tail if tail.isdigit() else str(digest % 10000).zfill(4)
    return Card(_BRANDS[digest % len(_BRANDS)], last4, digest // 7 % 12 + 1, 2027 + digest // 97 % 6)


def card_from_instrument(instrument: dict[str, Any] | None) -> Card | None:
    if not instrument:
        return None
    return Card(
        str(instrument.get("card_type") or ""),
        str(instrument.get("card_last_digits") or ""),
        int(instrument.get("card_expiry_month") or 0),
        int(instrument.get("card_expiry_year") or 0),
    )


def source_details(payment: StripePaymentRecord) -> dict[str, Any]:
    """An order's `payment_source_details` for its Stripe payment (Inferred.SOURCE_DETAILS_FROM_SOURCE)."""
    card = card_from_instrument(payment.payment_instrument)
    details: dict[str, Any] = {"type": "stripe_payment", "payment_method_id": payment.payment_method_token()}
    if card is not None:
        details["payment_method_type"] = "card"
        details["payment_method_details"] = {
            "brand": card.brand,
            "last4": card.last4,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
        }
    return details


def customer_token(customer_id: str) -> str:
    """A stable Stripe customer id for a Commerce Layer customer (Inferred.WALLET_ENTRY_DERIVED)."""
    return "cus_" + hashlib.sha256(customer_id.encode()).hexdigest()[:14]
