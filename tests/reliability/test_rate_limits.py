"""100 and 300 saves of different orders confirmed at once, with Commerce Layer's test-mode rate limits on.

All complete, no user sees a rate-limit error, and the client paces itself on the limits' headers:
the report gives the 429s it received (none expected) and the total time against the least time the
limits allow (the target is 1.15 times that at most). The fast part runs 20 saves through the same
path under small limits, without figures.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from bot.commercelayer import RetryPolicy
from bot.sandbox import RecordedRequest, Sandbox
from bot.sandbox.ratelimit import Limit, RateLimitPolicy
from bot.slack.sealed import PendingSave, Sealer
from tests.reliability.conftest import MakeRig
from tests.reliability.figures import FIGURES
from tests.support.harness import CHANNEL, SIGNING_SECRET, TEAM, USER
from tests.support.rate_limits import least_time
from tests.support.reading import texts

GROUP = "Rate limits"
RATE_LIMIT_WORDS = ("did not answer", "too many", "rate limit", "try again in a minute")
TARGET = 1.15  # times the least time the limits allow


@dataclass
class Outcome:
    elapsed: float
    failures: list[str]
    rate_limit_errors: int
    bad_acks: int


async def saves_at_once(make_rig: MakeRig, sandbox: Sandbox, count: int) -> Outcome:
    orders = [sandbox.add_order(customer_email=f"load{i}@example.com") for i in range(count)]
    # Production's retry policy: the waits and the total time a save may take are the real ones.
    rig = await make_rig(sandbox=sandbox, retry=RetryPolicy())
    sealer = Sealer(SIGNING_SECRET)
    pm = "pm_card_visa"
    presses = []
    for order in orders:
        # The Confirm buttons the operators got from their previews a moment ago.
        value = sealer.seal(PendingSave(order.id, pm, USER, TEAM))
        url = rig.standin.new_response_url(CHANNEL, user_id=USER)
        presses.append(rig.press("wallet_confirm", value, response_url=url))
    sandbox.rate_limits = True
    sandbox.reset_requests()
    started = time.monotonic()
    replies = await asyncio.gather(*presses)
    assert await rig.runtime.drain.wait_idle(900.0)
    elapsed = time.monotonic() - started

    failures: list[str] = []
    rate_limit_errors = 0
    for order in orders:
        said = [m for m in rig.standin.messages if f"#{order.number}" in m.text + texts(m.blocks)]
        final = said[-1].text + texts(said[-1].blocks) if said else ""
        if any(word in final.lower() for word in RATE_LIMIT_WORDS):
            rate_limit_errors += 1
        saved = any(c.payment_source_token == pm for c in sandbox.wallet(order.customer_id or ""))
        if not ("saved to the wallet" in final and saved and len(sandbox.stripe_payments_for(order.id)) == 1):
            failures.append(f"#{order.number}: {final[:160]!r}")
    return Outcome(elapsed, failures, rate_limit_errors, sum(1 for r in replies if r.status != 200))


@pytest.mark.reliability
@pytest.mark.parametrize("count", [100, 300])
async def test_saves_at_once_all_complete_at_the_rate_limits(make_rig: MakeRig, count: int) -> None:
    sandbox = Sandbox()
    outcome = await saves_at_once(make_rig, sandbox, count)
    row = f"{count} saves confirmed at once"
    for failure in outcome.failures:
        FIGURES.case(GROUP, row, failed=True, note=failure)
    for _ in range(count - len(outcome.failures)):
        FIGURES.case(GROUP, row, failed=False)

    statuses = Counter(r.status for r in sandbox.requests)
    bound = least_time(sandbox.requests, sandbox.rate_limit_policy)
    refused = statuses.get(429, 0)
    FIGURES.zero(GROUP, "saves not completed", len(outcome.failures))
    FIGURES.zero(GROUP, "users who saw a rate-limit error", outcome.rate_limit_errors)
    FIGURES.zero(GROUP, "acknowledgements other than 200", outcome.bad_acks)
    FIGURES.zero(GROUP, "429s received", refused)
    FIGURES.zero(
        GROUP, "requests dropped or failed otherwise", sum(n for s, n in statuses.items() if s not in (200, 201, 429))
    )
    ratio = outcome.elapsed / bound
    FIGURES.value(
        GROUP,
        f"{count} saves: first Confirm to last result / least time the limits allow",
        f"{outcome.elapsed:.1f} s / {bound:.0f} s = **{ratio:.2f}×** (target ≤ {TARGET}×"
        f"{'' if ratio <= TARGET else ', missed'})",
    )
    FIGURES.value(
        GROUP,
        f"{count} saves: Commerce Layer requests (accepted, per route)",
        f"{sum(n for s, n in statuses.items() if s != 429)}: "
        + ", ".join(
            f"{k}: {v}" for k, v in sorted(Counter(r.route for r in sandbox.requests if r.status != 429).items())
        ),
    )
    assert outcome.failures == [], outcome.failures[:5]
    assert outcome.rate_limit_errors == 0
    assert refused == 0


# A sixth of Commerce Layer's windows, so that the fast part reaches them in seconds.
SMALL = RateLimitPolicy.uniform(Limit(12, 1.0), Limit(3, 1.0 / 6))


async def test_a_crowd_of_saves_is_paced_at_small_limits_without_a_429(make_rig: MakeRig) -> None:
    sandbox = Sandbox()
    sandbox.rate_limit_policy = SMALL
    outcome = await saves_at_once(make_rig, sandbox, 12)
    assert outcome.failures == [], outcome.failures[:5]
    assert (outcome.rate_limit_errors, outcome.bad_acks) == (0, 0)
    assert sum(1 for r in sandbox.requests if r.status == 429) == 0
    assert sandbox.count("PATCH") == 12


def recorded(method: str, route: str, count: int) -> list[RecordedRequest]:
    return [RecordedRequest(method, route.split()[1], route.split()[1], {}, None, 200, 0.0, route)] * count


@pytest.mark.parametrize(("saves", "floor"), [(1, 0.0), (25, 0.0), (26, 10.0), (100, 70.0), (300, 310.0)])
def test_the_least_time_counts_the_burst_and_average_windows_together(saves: int, floor: float) -> None:
    requests = (
        recorded("POST", "POST /oauth/token", 1)
        + recorded("GET", "GET /api/orders/:id", saves)
        + recorded("POST", "POST /api/stripe_payments", saves)
        + recorded("PATCH", "PATCH /api/orders/:id", saves)
    )
    assert least_time(requests, RateLimitPolicy.test_mode()) == floor
