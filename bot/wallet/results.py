"""What the wallet operations answer: plain values a Slack view, the console or a test can show."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commercelayer.models import CustomerPaymentSource, Order, PaymentMethod
from bot.wallet.errors import Refused
from bot.wallet.refs import mask_payment_method


@dataclass(frozen=True)
class Actor:
    """Who asks for a change: plain Slack ids, so that every change is traceable to a person."""

    team_id: str
    user_id: str


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


def wallet_entries(order: Order) -> tuple[WalletEntry, ...]:
    """The wallet of the order's customer, as read with the order."""
    return tuple(WalletEntry.of(item) for item in order.wallet or ())


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
