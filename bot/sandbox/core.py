"""The Sandbox: Commerce Layer's state and the controls tests and benchmarks turn."""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.auth import IntegrationCredentials, TokenIssuer
from bot.sandbox.demo import DEMO, DemoCustomer, DemoOrder, load_demo, placed_order
from bot.sandbox.faults import Fault, FaultKind, FaultPlan
from bot.sandbox.models import CustomerPaymentSourceRecord, CustomerRecord, Store, StripePaymentRecord
from bot.sandbox.ratelimit import RateLimiter, RateLimitPolicy

FIRST_LOAD_ORDER_NUMBER = 2001


@dataclass
class RecordedRequest:
    """One request as the sandbox received it (never its Authorization header)."""

    method: str
    path: str
    raw_path: str
    query: dict[str, str]
    body: Any
    status: int | None  # None: the connection was closed without a response
    at: float  # time.monotonic() when it arrived
    route: str  # "POST /api/stripe_payments", "GET /api/orders/:id"
    fault: FaultKind | None = None


class Sandbox:
    def __init__(
        self,
        client_id: str = DEMO.client_id,
        client_secret: str = DEMO.client_secret,
        slug: str = DEMO.slug,
        test_mode: bool = True,
        *,
        clock: Callable[[], float] = time.time,
        demo: bool = True,
    ) -> None:
        """`clock` (epoch seconds) drives token expiry and rate-limit windows; tests pass a fake one."""
        self.clock = clock
        self.test_mode = test_mode
        self.latency = 0.0
        self.token_lifetime = 7200
        self.rate_limits = False
        self.rate_limit_policy = RateLimitPolicy.test_mode() if test_mode else RateLimitPolicy.live_mode()
        digest = hashlib.sha256(slug.encode()).hexdigest()
        self.credentials = IntegrationCredentials(
            client_id, client_secret, slug, "org" + digest[:7], "app" + digest[7:14], test_mode
        )
        self.tokens = TokenIssuer(self.credentials, clock)
        self.limiter = RateLimiter(clock)
        self.faults = FaultPlan()
        self.store = Store()
        self.requests: list[RecordedRequest] = []
        self._next_number = FIRST_LOAD_ORDER_NUMBER
        if demo:
            load_demo(self.store)

    @property
    def mode(self) -> str:
        return "test" if self.test_mode else "live"

    def expire_tokens(self) -> None:
        """Every token issued so far is now refused with 401 INVALID_TOKEN."""
        self.tokens.expire_all()

    def inject_fault(
        self,
        method: str | None = None,
        path: str = "",
        kind: FaultKind = FaultKind.STATUS,
        status: int = 500,
        times: int | None = 1,
        skip: int = 0,
        hold: float = 30.0,
        code: str | None = None,
    ) -> None:
        """The next `times` requests matching `method` and the `path` regex (after `skip`) fail."""
        self.faults.add(Fault(method, re.compile(path), FaultKind(kind), status, times, skip, hold, code))

    def clear_faults(self) -> None:
        self.faults.clear()

    def count(self, method: str | None = None, path: str | None = None) -> int:
        pattern = re.compile(path) if path is not None else None
        return sum(
            1
            for r in self.requests
            if (method is None or r.method == method) and (pattern is None or pattern.search(r.path))
        )

    def reset_requests(self) -> None:
        self.requests.clear()

    def stats(self) -> dict[str, Any]:
        by_route = Counter(r.route for r in self.requests)
        statuses = Counter("dropped" if r.status is None else str(r.status) for r in self.requests)
        return {"requests": len(self.requests), "by_route": dict(by_route), "statuses": dict(statuses)}

    def add_order(
        self, number: str | None = None, customer_email: str = "load@example.com", with_stripe_method: bool = True
    ) -> DemoOrder:
        """A fresh placed order with a customer (created if new); for load tests."""
        number = number or self._take_number()
        if self.store.order_by_number(number) is not None:
            raise ValueError(f"order number {number} already exists")
        customer = self.store.customer_by_email(customer_email)
        if customer is None:
            customer = CustomerRecord(self.store.new_id(CustomerRecord.TYPE), email=customer_email)
            self.store.add(customer)
        method = DEMO.stripe_method_id if with_stripe_method else None
        holder = DemoCustomer(customer.id, customer.email, "")
        order = placed_order(self.store.new_id("orders"), number, holder, 5700, method)
        self.store.add(order)
        return DemoOrder(order.id, order.number, customer.id, "load order")

    def _take_number(self) -> str:
        while self.store.order_by_number(str(self._next_number)) is not None:
            self._next_number += 1
        self._next_number += 1
        return str(self._next_number - 1)

    def wallet(self, customer_id: str) -> list[CustomerPaymentSourceRecord]:
        return self.store.wallet(customer_id)

    def stripe_payments_for(self, order_id: str) -> list[StripePaymentRecord]:
        return self.store.stripe_payments_for(order_id)

    def configure(self, settings: dict[str, Any]) -> None:
        """The /_sandbox/config body: {latency?, rate_limits?, token_lifetime?}."""
        unknown = set(settings) - {"latency", "rate_limits", "token_lifetime"}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        if "latency" in settings:
            self.latency = _number(settings["latency"], "latency")
        if "rate_limits" in settings:
            if not isinstance(settings["rate_limits"], bool):
                raise ValueError("rate_limits must be a boolean")
            self.rate_limits = settings["rate_limits"]
        if "token_lifetime" in settings:
            self.token_lifetime = int(_number(settings["token_lifetime"], "token_lifetime"))


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{name} must be a non-negative number")
    return float(value)
