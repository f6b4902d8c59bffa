"""What the wallet operations answer: plain values a Slack view, the console or a test can show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.commercelayer.models import CardDetails, CustomerPaymentSource, Order, PaymentMethod
from bot.wallet.errors import Refused
from bot.wallet.refs import mask_payment_method

_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "american_express": "American Express",
}


@dataclass(frozen=True)
class Actor:
    """Who asks for a change, and why: plain Slack ids, so that every change is traceable to a person."""

    team_id: str
    user_id: str
    reason: str | None = None


@dataclass(frozen=True)
class Card:
    """A card as an operator tells it apart: brand, last 4 and expiry when Commerce Layer has them,
    else the name Commerce Layer gives it, else the masked `pm_…` id."""

    masked: str
    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    name: str | None = None

    @classmethod
    def of(cls, details: CardDetails | None, *, token: str | None, name: str | None = None) -> Card:
        known = details or CardDetails()
        return cls(mask_payment_method(token), known.brand, known.last4, known.exp_month, known.exp_year, name)

    @property
    def label(self) -> str:
        if not (self.brand and self.last4):
            return self.name or self.masked
        brand = _BRANDS.get(self.brand.lower(), self.brand.capitalize())
        expiry = f" · exp {self.exp_month:02d}/{self.exp_year}" if self.exp_month and self.exp_year else ""
        return f"{brand} •••• {self.last4}{expiry}"

    @property
    def last_digits(self) -> str | None:
        """The last 4 digits of the number, from the details or from the masked name."""
        if self.last4:
            return self.last4
        tail = (self.name or "")[-4:]
        return tail if len(tail) == 4 and tail.isdigit() else None

    @property
    def identity(self) -> tuple[str, str, int, int] | None:
        """What makes two entries the same card: brand, last 4 and expiry, when all are known."""
        if self.brand and self.last4 and self.exp_month and self.exp_year:
            return (self.brand.lower(), self.last4, self.exp_month, self.exp_year)
        return None


@dataclass(frozen=True)
class WalletEntry:
    id: str
    card: Card
    created_at: str | None
    added: bool = False  # added by the change just made
    duplicate_of: str | None = None  # another entry of the same card
    is_stripe: bool = True

    @classmethod
    def of(cls, source: CustomerPaymentSource, *, added: bool = False) -> WalletEntry:
        return cls(
            id=source.id,
            card=Card.of(source.card, token=source.payment_source_token, name=source.name),
            created_at=source.created_at,
            added=added,
            is_stripe=source.is_stripe,
        )


def entries_of(sources: Iterable[CustomerPaymentSource], added: Iterable[str] = ()) -> tuple[WalletEntry, ...]:
    """A wallet as shown: the entries in `added` marked, each entry of a card held twice flagged."""
    new = set(added)
    entries = [WalletEntry.of(source, added=source.id in new) for source in sources]
    same_card: dict[tuple[str, str, int, int], list[str]] = {}
    for entry in entries:
        if entry.card.identity is not None:
            same_card.setdefault(entry.card.identity, []).append(entry.id)
    return tuple(replace(entry, duplicate_of=_twin(entry, same_card)) for entry in entries)


def _twin(entry: WalletEntry, same_card: dict[tuple[str, str, int, int], list[str]]) -> str | None:
    ids = same_card.get(entry.card.identity, []) if entry.card.identity is not None else []
    return next((other for other in ids if other != entry.id), None)


def wallet_entries(order: Order) -> tuple[WalletEntry, ...]:
    """The wallet of the order's customer, as read with the order."""
    return entries_of(order.wallet or ())


def order_card(order: Order) -> Card | None:
    """The card of the order's payment source, if it has one."""
    source = order.payment_source
    if source is None:
        return None
    return Card.of(order.source_card, token=source.payment_method_id)


@dataclass(frozen=True)
class Preview:
    order: Order
    mode: str
    wallet: tuple[WalletEntry, ...]
    blocker: Refused | None  # why a save would be refused, if it would
    payment_method_to_set: PaymentMethod | None  # set by the save when the order has none
    already_saved: WalletEntry | None = None  # the wallet already holds the card to save


@dataclass(frozen=True)
class SaveResult:
    order: Order
    mode: str
    card: Card
    wallet: tuple[WalletEntry, ...]
    stripe_payment_id: str
    created_source: bool  # False: an earlier, half-finished save's source was reused
    already_in_wallet: bool
    payment_method_set: PaymentMethod | None = None
    entry_id: str = ""  # the wallet entry (customer payment source) that holds the card

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


@dataclass(frozen=True)
class UsePreview:
    """An order and the saved card that would become its payment source."""

    order: Order
    mode: str
    wallet: tuple[WalletEntry, ...]
    card: WalletEntry | None  # None: no card named yet (the modal asks)
    blocker: Refused | None  # why the use would be refused, if it would
    payment_method_to_set: PaymentMethod | None
    already: bool = False  # the order's payment source is this card already


@dataclass(frozen=True)
class UseResult:
    order: Order  # as Commerce Layer has it after the change, read back
    mode: str
    card: WalletEntry
    previous: Card | None  # the order's payment source before
    payment_method_set: PaymentMethod | None
    already: bool  # nothing changed: the order already used this card
    recorded: bool  # the change is tagged in Commerce Layer, for /wallet history


@dataclass(frozen=True)
class RemovePreview:
    customer_id: str
    customer_email: str | None
    mode: str
    wallet: tuple[WalletEntry, ...]
    card: WalletEntry | None  # None when refused
    blocker: Refused | None


@dataclass(frozen=True)
class RemoveResult:
    customer_id: str
    customer_email: str | None
    mode: str
    card: WalletEntry
    wallet: tuple[WalletEntry, ...]  # as it is now
    already_gone: bool  # removed before this request came: nothing was sent
    recorded: bool  # the removal is tagged in Commerce Layer, for /wallet history


@dataclass(frozen=True)
class HistoryEvent:
    action: str  # "save", "use" or "remove"
    at: str | None
    team_id: str | None
    user_id: str | None
    order_number: str | None
    customer: str | None  # email, else id
    card: Card
    result: str
    reason: str | None = None


@dataclass(frozen=True)
class HistoryResult:
    scope: str  # what the list was narrowed to, for its title ("" for everything)
    mode: str
    events: tuple[HistoryEvent, ...]
    more: bool  # older records exist that were not read
