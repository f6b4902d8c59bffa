"""What an operator types, parsed once before any request: order references, emails, `pm_…` ids,
saved cards, Slack users and reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NewType

_ORDER_NUMBER = re.compile(r"#?([0-9]{1,20})")
# Commerce Layer ids are short mixed-case alphanumeric strings such as `qaMAhZkZvd`.
_RESOURCE_ID = re.compile(r"(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{4,40}")
_EMAIL = re.compile(r"[^@\s/?#%\\<>&]+@[^@\s/?#%\\<>&]+\.[^@\s/?#%\\<>&]+")
MAX_PM_LENGTH = 255
MAX_REASON_LENGTH = 200
_LAST4 = re.compile(r"[0-9]{4}")
# Slack escapes what it recognises in a command's text: <@U123|name>, <mailto:a@b.co|a@b.co>.
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>|@([UW][A-Z0-9]{2,})")
_SLACK_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")
_PM_IN_TEXT = re.compile(r"pm_[A-Za-z0-9_]+")
# Stripe may change its id formats, so the check is loose; but these characters could change a
# URL, a JSON:API filter or a Slack message, and no Stripe id has ever carried them.
_PM_FORBIDDEN = frozenset(" /?#%\\\"'<>&`")

# A Stripe PaymentMethod id that passed `parse_payment_method_id`.
PaymentMethodId = NewType("PaymentMethodId", str)


class InputError(ValueError):
    """The input can't be used; the message names the problem for the operator."""


@dataclass(frozen=True)
class OrderRef:
    """An order by number (`#1001`) or by Commerce Layer id; `str()` gives text `parse_order_ref` reads back."""

    value: str
    is_number: bool

    def __str__(self) -> str:
        return f"#{self.value}" if self.is_number else self.value


@dataclass(frozen=True)
class EmailRef:
    value: str

    def __str__(self) -> str:
        return self.value


# Whose wallet to list: the customer of an order, or the customer with that email.
CustomerRef = OrderRef | EmailRef


@dataclass(frozen=True)
class CardRef:
    """A saved card: its wallet entry's Commerce Layer id, or the last 4 digits of its number."""

    value: str
    by_last4: bool

    def __str__(self) -> str:
        return f"card ending in {self.value}" if self.by_last4 else f"saved card {self.value}"


@dataclass(frozen=True)
class UserRef:
    """A Slack user, by id."""

    user_id: str

    def __str__(self) -> str:
        return f"<@{self.user_id}>"


# Whose changes to list: an order's, a customer's, or those a Slack user made.
HistoryRef = OrderRef | EmailRef | UserRef


def parse_order_ref(text: str) -> OrderRef:
    cleaned = text.strip()
    if not cleaned:
        raise InputError("An order is needed: give its number (like 1001 or #1001) or its Commerce Layer id.")
    number = _ORDER_NUMBER.fullmatch(cleaned)
    if number:
        return OrderRef(number.group(1), is_number=True)
    if _RESOURCE_ID.fullmatch(cleaned):
        return OrderRef(cleaned, is_number=False)
    raise InputError(
        f"“{excerpt(cleaned)}” is not an order number (like 1001 or #1001) "
        "or a Commerce Layer order id (letters and digits, like qaMAhZkZvd)."
    )


def is_resource_id(text: str) -> bool:
    """Whether `text` has the shape of a Commerce Layer id: checked again wherever an id comes back
    from somewhere other than Commerce Layer (a button's value), before it goes into a URL."""
    return _RESOURCE_ID.fullmatch(text) is not None


def parse_customer_ref(text: str) -> CustomerRef:
    """An order (number or id) or a customer's email address (as typed, or as Slack escapes it)."""
    cleaned = text.strip()
    if mailto := _SLACK_MAILTO.fullmatch(cleaned):
        cleaned = mailto.group(1)
    if "@" in cleaned:
        if len(cleaned) > 254 or not _EMAIL.fullmatch(cleaned):
            raise InputError(f"“{excerpt(cleaned)}” is not a valid email address.")
        return EmailRef(cleaned.lower())
    return parse_order_ref(cleaned)


def parse_payment_method_id(text: str) -> PaymentMethodId:
    cleaned = text.strip()
    if not cleaned:
        raise InputError("A Stripe PaymentMethod id is needed: copy it from the Stripe dashboard (pm_…).")
    if len(cleaned) > MAX_PM_LENGTH:
        raise InputError(f"That PaymentMethod id is {len(cleaned)} characters long; Stripe ids have at most 255.")
    if not cleaned.startswith("pm_") or len(cleaned) < 4:
        raise InputError(
            f"“{excerpt(cleaned)}” is not a Stripe PaymentMethod id: it should start with pm_ (like pm_1MqM05Lk…)."
        )
    bad = sorted({char for char in cleaned if char in _PM_FORBIDDEN or not char.isprintable() or not char.isascii()})
    if bad:
        shown = ", ".join("a space" if char == " " else repr(char) for char in bad)
        raise InputError(f"A Stripe PaymentMethod id has no {shown} in it: check what was pasted.")
    return PaymentMethodId(cleaned)


def parse_card_ref(text: str) -> CardRef:
    """A saved card: the id of its wallet entry (as /wallet sources lists it) or its last 4 digits."""
    cleaned = text.strip()
    if _LAST4.fullmatch(cleaned):
        return CardRef(cleaned, by_last4=True)
    if cleaned.startswith("pm_"):
        raise InputError(
            f"“{excerpt(cleaned)}” is a Stripe id: name a saved card by its last 4 digits or by the id of its "
            "wallet entry (as /wallet sources lists it)."
        )
    if _RESOURCE_ID.fullmatch(cleaned):
        return CardRef(cleaned, by_last4=False)
    raise InputError(
        f"“{excerpt(cleaned)}” is not a saved card: give its last 4 digits (like 4242) or its wallet entry id "
        "(as /wallet sources lists it)."
    )


def parse_history_ref(text: str) -> HistoryRef:
    """An order, a customer's email, or a Slack user as mentioned in a command (<@U…>)."""
    cleaned = text.strip()
    if user := _SLACK_USER.fullmatch(cleaned):
        return UserRef(user.group(1) or user.group(2))
    if cleaned.startswith("@"):
        raise InputError(
            f"“{excerpt(cleaned)}” is a name, not a Slack user id: pick the person from Slack's list as you type, "
            "so that Slack sends who it is."
        )
    return parse_customer_ref(cleaned)


def parse_reason(words: list[str], *, required: bool) -> str | None:
    """Why a change is made: the words after a command's arguments, or a modal's field; None if none."""
    reason = " ".join("".join(char if char.isprintable() else " " for char in " ".join(words)).split())
    if not reason:
        if required:
            raise InputError("A reason is required with every change here: say why it is made.")
        return None
    if len(reason) > MAX_REASON_LENGTH:
        raise InputError(f"The reason is {len(reason)} characters long; keep it to {MAX_REASON_LENGTH}.")
    if _PM_IN_TEXT.search(reason):
        raise InputError("A reason can't hold a Stripe id (pm_…): say why in words.")
    return reason


def mask_payment_method(pm_id: str | None) -> str:
    """`pm_…T9Js`: enough to recognise a card, never the whole reusable handle."""
    if not pm_id:
        return "unknown card"
    return f"pm_…{pm_id[-4:]}"


def excerpt(text: str, limit: int = 40) -> str:
    """A short, safe excerpt of rejected input for an error message."""
    if text.startswith("pm_") and len(text) > 8:
        return mask_payment_method(text)
    flat = "".join(char if char.isprintable() else "?" for char in text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
