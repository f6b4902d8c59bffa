"""The sandbox's rate limits as Commerce Layer's: per window, sliding, reads and writes apart, bursts per
endpoint, the same headers on every answer; other limits for tests. (test_controls.py has the
test-mode figures: read burst and average, write burst, the token endpoint, refusals not counted.)"""

from __future__ import annotations

import httpx

from bot.sandbox import DEMO, FaultKind, Limit, RateLimitPolicy, Sandbox
from tests.support.clock import FakeClock

from .helpers import only_error, stripe_payment_body

RATE_HEADERS = ("X-Ratelimit-Limit", "X-Ratelimit-Interval", "X-Ratelimit-Remaining")


def rate_headers(response: httpx.Response) -> tuple[str, str, str]:
    limit, interval, remaining = (response.headers[name] for name in RATE_HEADERS)
    return limit, interval, remaining


def reference(order_id: str, text: str) -> dict[str, object]:
    return {"data": {"type": "orders", "id": order_id, "attributes": {"reference": text}}}


async def test_writes_burst_per_endpoint_and_share_one_average(
    api: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    sandbox.rate_limits = True
    patch = f"/api/orders/{DEMO.happy.id}"
    for i in range(25):
        assert (await api.patch(patch, json=reference(DEMO.happy.id, f"r{i}"))).status_code == 200
    assert (await api.patch(patch, json=reference(DEMO.happy.id, "refused"))).status_code == 429
    # Another endpoint has a burst of its own, within the writes' common average...
    created = await api.post("/api/stripe_payments", json=stripe_payment_body(DEMO.happy.id))
    assert created.status_code == 201
    assert rate_headers(created) == ("100", "60", "74")
    # ...which 100 writes in a minute fill, whatever their endpoints.
    for step, count in enumerate([25, 25, 24]):  # 26 + 74 = 100
        clock.advance(10.01)
        for i in range(count):
            order = DEMO.orders[i % len(DEMO.orders)].id
            status = (await api.patch(f"/api/orders/{order}", json=reference(order, f"s{step}-{i}"))).status_code
            assert status in (200, 422), status
    clock.advance(10.01)
    refused = await api.patch(patch, json=reference(DEMO.happy.id, "over the average"))
    assert (refused.status_code, refused.headers["X-Ratelimit-Remaining"]) == (429, "0")
    assert only_error(refused)["detail"] == "You have exceeded the rate limit of 100 requests every 60 seconds."


async def test_other_limits_and_windows_for_tests(api: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    sandbox.rate_limit_policy = RateLimitPolicy.uniform(Limit(4, 0.6), Limit(2, 0.1))
    sandbox.rate_limits = True
    path = f"/api/orders/{DEMO.happy.id}"
    first = await api.get(path)
    assert rate_headers(first) == ("4", "0.6", "3")
    assert (await api.get(path)).status_code == 200
    refused = await api.get(path)
    assert refused.status_code == 429
    assert only_error(refused)["detail"] == "You have exceeded the rate limit of 2 requests every 0.1 seconds."
    assert rate_headers(refused) == ("4", "0.6", "2")  # the average's headers, on a burst's refusal too
    clock.advance(0.11)
    assert [(await api.get(path)).status_code for _ in range(3)] == [200, 200, 429]  # 4 a window in all
    clock.advance(0.6)
    assert (await api.get(path)).status_code == 200


async def test_every_answer_carries_the_headers(
    api: httpx.AsyncClient, client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.rate_limits = True
    sandbox.inject_fault("GET", r"^/api/customers", FaultKind.STATUS, status=500)
    answers = [
        await api.get(f"/api/orders/{DEMO.happy.id}"),  # 200
        await api.get("/api/orders/nOsUcHoRdEr"),  # 404
        await api.get("/api/customers"),  # an injected 500
        await client.get("/api/orders", headers={"Accept": "application/vnd.api+json"}),  # no token: 401
        await api.patch(f"/api/orders/{DEMO.happy.id}", json={"data": {}}),  # a refused write
    ]
    assert [a.status_code for a in answers][:4] == [200, 404, 500, 401]
    assert [rate_headers(a)[:2] for a in answers] == [("100", "60")] * 5
    assert [int(rate_headers(a)[2]) for a in answers[:4]] == [99, 98, 98, 97]  # the fault counted in no window
    token = await client.post(
        "/oauth/token",
        json={"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": DEMO.client_secret},
    )
    assert rate_headers(token)[:2] == ("30", "60")


async def test_live_mode_has_live_limits(clock: FakeClock) -> None:
    policy = Sandbox(test_mode=False, clock=clock).rate_limit_policy
    assert (policy.read_average, policy.read_burst, policy.write_average, policy.write_burst, policy.oauth) == (
        Limit(200, 60),
        Limit(50, 10),
        Limit(200, 60),
        Limit(50, 10),
        Limit(30, 60),
    )


async def test_with_limits_off_the_headers_say_the_limit_is_out_of_reach(api: httpx.AsyncClient) -> None:
    answers = [await api.get(f"/api/orders/{DEMO.happy.id}") for _ in range(30)]
    assert {a.status_code for a in answers} == {200}
    assert rate_headers(answers[-1]) == ("1000000", "60", str(1_000_000 - 30))
