"""Small rate limits for the sandbox, so that pacing tests fill Commerce Layer's windows in moments."""

from __future__ import annotations

import pytest

from bot.sandbox import DEMO, Limit, RateLimitPolicy, Sandbox

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
