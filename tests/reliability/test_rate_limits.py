"""100 saves of different orders confirmed at once, with Commerce Layer's test-mode rate limits on.

All complete, no user sees a rate-limit error, and the client paces itself: the report gives the
429s it received and the total time against the least time the limits allow.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from bot.commercelayer import RetryPolicy
from bot.sandbox import RecordedRequest, Sandbox
from bot.sandbox.ratelimit import Limit, RateLimitPolicy
from bot.slack.sealed import PendingSave, Sealer
from tests.reliability.conftest import MakeRig
from tests.reliability.figures import FIGURES
from tests.slack.harness import CHANNEL, SIGNING_SECRET, TEAM, USER
from tests.slack.helpers import texts

GROUP = "Rate limits"
SAVES = 100
RATE_LIMIT_WORDS = ("did not answer", "too many", "rate limit", "try again in a minute")


def least_time(requests: list[RecordedRequest], policy: RateLimitPolicy) -> float:
    """The shortest time in which the accepted requests fit Commerce Layer's sliding windows.

    With a limit of L requests per I seconds, the k-th request of a bucket (from 0) can't come
    before floor(k / L) × I; the slowest bucket sets the bound.
    """
    buckets: Counter[tuple[str, Limit]] = Counter()
    for request in requests:
        if request.status == 429 or request.path.startswith("/_sandbox/"):
            continue
        if request.path == "/oauth/token":
            buckets[("oauth", policy.oauth)] += 1
        elif request.method == "GET":
            buckets[(f"read {request.route}", policy.read_burst)] += 1
            buckets[("read", policy.read_average)] += 1
        else:
            buckets[(f"write {request.route}", policy.write_burst)] += 1
            buckets[("write", policy.write_average)] += 1
    return max(((count - 1) // limit.requests) * limit.interval for (_, limit), count in buckets.items())


@pytest.mark.reliability
async def test_100_saves_at_once_all_complete_within_the_rate_limits(make_rig: MakeRig) -> None:
    sandbox = Sandbox()
    orders = [sandbox.add_order(customer_email=f"load{i}@example.com") for i in range(SAVES)]
    # Production's retry policy: the waits and the total time a save may take are the real ones.
    rig = await make_rig(sandbox=sandbox, retry=RetryPolicy())
    sealer = Sealer(SIGNING_SECRET)
    pm = "pm_card_visa"
    presses = []
    for order in orders:
        # The Confirm buttons 100 operators got from their previews a moment ago.
        value = sealer.seal(PendingSave(order.id, pm, USER, TEAM))
        url = rig.standin.new_response_url(CHANNEL, user_id=USER)
        presses.append(rig.press("wallet_confirm", value, response_url=url))
    sandbox.rate_limits = True
    sandbox.reset_requests()
    started = time.monotonic()
    replies = await asyncio.gather(*presses)
    assert await rig.runtime.drain.wait_idle(600.0)
    elapsed = time.monotonic() - started

    failures: list[str] = []
    rate_limit_errors = 0
    for order in orders:
        said = [m for m in rig.standin.messages if f"#{order.number}" in m.text + texts(m.blocks)]
        final = said[-1].text + texts(said[-1].blocks) if said else ""
        if any(word in final.lower() for word in RATE_LIMIT_WORDS):
            rate_limit_errors += 1
        saved = any(c.payment_source_token == pm for c in sandbox.wallet(order.customer_id or ""))
        ok = "saved to the wallet" in final and saved and len(sandbox.stripe_payments_for(order.id)) == 1
        FIGURES.case(GROUP, "saves confirmed at once", failed=not ok, note=f"#{order.number}: {final[:160]!r}")
        if not ok:
            failures.append(f"#{order.number}: {final[:160]!r}")

    statuses = Counter(r.status for r in sandbox.requests)
    bound = least_time(sandbox.requests, sandbox.rate_limit_policy)
    FIGURES.zero(GROUP, "saves not completed", len(failures))
    FIGURES.zero(GROUP, "users who saw a rate-limit error", rate_limit_errors)
    FIGURES.zero(GROUP, "acknowledgements other than 200", sum(1 for r in replies if r.status != 200))
    FIGURES.value(GROUP, "Commerce Layer requests (accepted)", str(sum(n for s, n in statuses.items() if s != 429)))
    FIGURES.value(GROUP, "429s received", str(statuses.get(429, 0)))
    FIGURES.value(
        GROUP,
        "requests dropped or failed otherwise",
        str(sum(n for s, n in statuses.items() if s not in (200, 201, 429))),
    )
    FIGURES.value(GROUP, "total time, first Confirm to last result", f"{elapsed:.1f} s")
    FIGURES.value(GROUP, "least time the limits allow for these requests", f"{bound:.0f} s")
    FIGURES.value(
        GROUP,
        "requests per route",
        ", ".join(f"{k}: {v}" for k, v in sorted(Counter(r.route for r in sandbox.requests).items())),
    )
    assert failures == [], failures[:5]
    assert rate_limit_errors == 0
