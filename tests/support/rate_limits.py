"""Small rate limits for the sandbox, so that pacing tests fill Commerce Layer's windows in moments."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest

from bot.sandbox import DEMO, Limit, RateLimitPolicy, RecordedRequest, Sandbox

AVERAGE, BURST = Limit(12, 0.6), Limit(3, 0.1)  # the burst is the average's quarter over a sixth, as Commerce Layer's
ORDER_IDS = [order.id for order in DEMO.orders]


@pytest.fixture
def limited(sandbox: Sandbox) -> Sandbox:
    """The test's sandbox, enforcing AVERAGE and BURST on every class of request."""
    sandbox.rate_limit_policy = RateLimitPolicy.uniform(AVERAGE, BURST)
    sandbox.rate_limits = True
    return sandbox


def refusals(sandbox: Sandbox) -> int:
    """How many requests the sandbox answered with 429."""
    return sum(1 for r in sandbox.requests if r.status == 429)


def least_time(requests: list[RecordedRequest], policy: RateLimitPolicy) -> float:
    """The least time from the first to the last of the accepted requests that the limits allow.

    Within a class (reads, writes) with an average window of A requests per Ia seconds, of n
    requests the (j + A)-th comes at least Ia after the j-th (A + 1 requests never fit in one
    window), so the last comes at least k·Ia after the r-th, with k = (n - 1) // A and r = n - k·A.
    And those first r requests, spread over the class's E endpoints each with a burst window of B
    per Ib seconds, span at least (ceil(r / (E·B)) - 1)·Ib. Each endpoint alone spans at least
    ((n_e - 1) // B)·Ib; the token endpoint ((n - 1) // 30)·60. The slowest bound is the floor.

    For 100 saves (100 reads, 200 writes on two endpoints, test mode): writes, k = 1, r = 100:
    60 s + (ceil(100 / 50) - 1)·10 s = 70 s; the 101st write can't come before 60 s, and the 100
    after it take another 10 s since two endpoints pass only 50 per 10 s. (Until this was written,
    the report counted each window alone, (n - 1) // L·I, and gave 60 s.) For 300: 5·60 + 10 = 310 s.
    """
    classes: dict[str, Counter[str]] = defaultdict(Counter)
    tokens = 0
    for request in requests:
        if request.status in (None, 429) or request.path.startswith("/_sandbox/"):
            continue
        if request.path == "/oauth/token":
            tokens += 1
        else:
            classes["read" if request.method in ("GET", "HEAD") else "write"][request.route] += 1
    bounds = [((tokens - 1) // policy.oauth.requests) * policy.oauth.interval if tokens else 0.0]
    for kind, endpoints in classes.items():
        average, burst = (
            (policy.read_average, policy.read_burst) if kind == "read" else (policy.write_average, policy.write_burst)
        )
        n = sum(endpoints.values())
        k = (n - 1) // average.requests
        r = n - k * average.requests
        bounds.append(k * average.interval + (math.ceil(r / (len(endpoints) * burst.requests)) - 1) * burst.interval)
        bounds += [((count - 1) // burst.requests) * burst.interval for count in endpoints.values()]
    return max(bounds)
