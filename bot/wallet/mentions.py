"""The orders and `pm_…` ids a message mentions, for the "Save card to wallet" message shortcut.

Finding is loose, using is strict: whatever looks like an order or an id is parsed with the same
parsers as typed input (refs.py), and what they refuse is reported, never used. Only the first
MAX_SCANNED_CHARS of a message are read, and at most MAX_CANDIDATES of each kind are kept, so a
pasted log costs no more than a short message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from bot.wallet.refs import (
    InputError,
    OrderRef,
    PaymentMethodId,
    excerpt,
    parse_order_ref,
    parse_payment_method_id,
)

MAX_SCANNED_CHARS = 10_000
MAX_CANDIDATES = 10
MAX_REJECTED = 5

# `#1001`, but not `&#39;` nor a Slack channel link `<#C0123|ops>`.
_HASH_NUMBER = re.compile(r"(?<![\w&])#([0-9]+)(?!\w)")
# `order 1001`, `Order #1001`, `order no. 1001`, `order: qaMAhZkZvd`; and a Dashboard link `…/orders/qaMAhZkZvd`.
_ORDER_WORD = re.compile(
    r"\border\s*(?:(?:number|no\.?|nr\.?|id)\s*)?[:#]?\s*([A-Za-z0-9]+)(?![\w/])|/orders/([A-Za-z0-9]+)",
    re.IGNORECASE,
)
# `pm_…` as a word of its own, or in _italics_; it ends where Slack's formatting or a sentence does.
_PM_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?<![A-Za-z0-9]_)pm_[^\s`*~<>|()\[\]{}\"',;?&]*")
_SENTENCE_END = ".:!_"

T = TypeVar("T")


@dataclass(frozen=True)
class Mentions:
    """What a message offers to save: candidates in the order they appear, and what was refused."""

    orders: tuple[OrderRef, ...] = ()
    payment_methods: tuple[PaymentMethodId, ...] = ()
    rejected: tuple[str, ...] = ()  # each names the text (shortened, masked) and its problem
    truncated: bool = False  # the message is longer than what was read


def find_mentions(text: str) -> Mentions:
    scanned = text[:MAX_SCANNED_CHARS]
    rejected: list[str] = []
    orders = _parsed(_order_words(scanned), parse_order_ref, rejected)
    payment_methods = _parsed(_pm_tokens(scanned), parse_payment_method_id, rejected)
    return Mentions(orders, payment_methods, tuple(rejected[:MAX_REJECTED]), len(text) > MAX_SCANNED_CHARS)


def _order_words(text: str) -> Iterator[str]:
    found = [(match.start(), match.group(1)) for match in _HASH_NUMBER.finditer(text)]
    for match in _ORDER_WORD.finditer(text):
        word = match.group(1) or match.group(2)
        # After "order", an English word ("order status") is no id: an id has a digit or an inner capital.
        if word.isdigit() or _looks_like_id(word):
            found.append((match.start(), word))
    yield from (word for _, word in sorted(found))


def _looks_like_id(word: str) -> bool:
    return any(char.isdigit() for char in word) or any(char.isupper() for char in word[1:])


def _pm_tokens(text: str) -> Iterator[str]:
    for match in _PM_TOKEN.finditer(text):
        token = match.group().rstrip(_SENTENCE_END)
        if len(token) > len("pm_"):  # a bare "pm_" is talk about ids ("they start with pm_"), not one
            yield token


def _parsed(words: Iterator[str], parse: Callable[[str], T], rejected: list[str]) -> tuple[T, ...]:
    """Each word parsed once, duplicates dropped, at most MAX_CANDIDATES kept; refusals into `rejected`."""
    kept: list[T] = []
    seen: set[str] = set()
    for word in words:
        if word in seen:
            continue
        seen.add(word)
        try:
            candidate = parse(word)
        except InputError as error:
            shown = f"“{excerpt(word)}”"
            rejected.append(str(error) if shown in str(error) else f"{shown}: {error}")
            continue
        if candidate not in kept:
            kept.append(candidate)
        if len(kept) == MAX_CANDIDATES:
            break
    return tuple(kept)
