"""What the wallet tests share: a card, typed refs from text, and the API requests the sandbox saw."""

from __future__ import annotations

from bot.sandbox import Sandbox
from bot.wallet import OrderRef, PaymentMethodId, parse_order_ref, parse_payment_method_id

PM = parse_payment_method_id("pm_1IixtoEw0yMev2I0jGzoT9Js")


def order(text: str) -> OrderRef:
    return parse_order_ref(text)


def card(text: str) -> PaymentMethodId:
    return parse_payment_method_id(text)


def api_requests(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sandbox.requests if r.path.startswith("/api/")]
