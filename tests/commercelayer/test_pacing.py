"""The client paces itself at Commerce Layer's rate limits, against the sandbox enforcing them over HTTP.

The sandbox runs small limits (12 requests per 0.6 s per class, 3 per 0.1 s per endpoint), which it
announces in its X-Ratelimit-* headers as Commerce Layer does: the pacer learns them from there.
No timing is asserted (the bench and the reliability suite measure time): the 429s counted, what
completed, and the order of events.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from bot.commercelayer import ClientConfig, CommerceLayer, Credentials, RateLimited, RetryPolicy, Unavailable, api_path
from bot.commercelayer.jsonapi import Document
from bot.sandbox import DEMO, FaultKind, Limit, RateLimitPolicy, Sandbox
from tests.conftest import FAST_RETRY, make_client
from tests.support.rate_limits import ORDER_IDS, limited, refusals


async def read(cl: CommerceLayer, i: int) -> Document:
    return await cl.get(api_path("orders", ORDER_IDS[i % len(ORDER_IDS)]))


async def write(cl: CommerceLayer, i: int) -> Document:
    return await cl.update("orders", ORDER_IDS[i % len(ORDER_IDS)], attributes={"reference": f"paced-{i}"})


async def test_a_burst_of_reads_and_writes_is_paced_without_a_429(limited: Sandbox, cl: CommerceLayer) -> None:
    # Beyond both windows: 20 reads (12 per 0.6 s) on two endpoints (3 per 0.1 s each), 15 writes.
    reads = [read(cl, i) for i in range(16)]
    customers = [cl.get(api_path("customers", DEMO.alice.id)) for _ in range(4)]
    writes = [write(cl, i) for i in range(15)]
    results = await asyncio.gather(*reads, *customers, *writes)
    assert all(doc.first is not None for doc in results)
    assert refusals(limited) == 0
    assert limited.count(path="^/api/") == 16 + 4 + 15  # each sent once
    assert cl.pacer.limits == {"read": (12, 0.6), "write": (12, 0.6)}


@pytest.mark.parametrize(("average", "requests"), [(Limit(8, 0.3), 20), (Limit(40, 0.3), 70)])
async def test_the_limits_are_learnt_from_the_headers(
    sandbox: Sandbox, cl: CommerceLayer, average: Limit, requests: int
) -> None:
    # Other limits than Commerce Layer's: tighter ones, then looser ones; bursts of twice and more.
    burst = Limit(average.requests // 4, average.interval / 6)
    sandbox.rate_limit_policy = RateLimitPolicy.uniform(average, burst)
    sandbox.rate_limits = True
    await asyncio.gather(*(read(cl, i) for i in range(requests)))
    assert refusals(sandbox) == 0
    assert cl.pacer.limits["read"] == (average.requests, average.interval)
    windows = cl.pacer.windows("read", "GET /api/orders/:id")
    assert [(w.limit, w.interval) for w in windows] == [
        (average.requests, average.interval),
        (burst.requests, pytest.approx(burst.interval)),
    ]


async def test_live_mode_limits_are_learnt_too(sandbox_url: str) -> None:
    live = Sandbox(test_mode=False)
    live.rate_limits = True
    from bot.sandbox import start_sandbox

    server = await start_sandbox(live)
    client = make_client(server.url)
    try:
        await read(client, 0)
        assert client.pacer.limits == {"read": (200, 60.0)}
        assert [(w.limit, w.interval) for w in client.pacer.windows("read", "GET /api/orders/:id")] == [
            (200, 60.0),
            (50, 10.0),
        ]
    finally:
        await client.aclose()
        await server.stop()


@pytest.fixture
async def watched(sandbox_url: str) -> AsyncIterator[tuple[CommerceLayer, list[str]]]:
    """A client whose requests to the API and their answers are written down in order."""
    events: list[str] = []

    async def sent(request: httpx.Request) -> None:
        if request.url.path.startswith("/api/"):
            events.append("sent")

    async def answered(response: httpx.Response) -> None:
        if response.request.url.path.startswith("/api/"):
            events.append("answered")

    http = httpx.AsyncClient(event_hooks={"request": [sent], "response": [answered]})
    client = CommerceLayer(
        ClientConfig(Credentials(DEMO.client_id, DEMO.client_secret, sandbox_url), sandbox_url, FAST_RETRY), http
    )
    yield client, events
    await client.aclose()


async def test_before_any_header_the_first_request_goes_alone(
    limited: Sandbox, watched: tuple[CommerceLayer, list[str]]
) -> None:
    client, events = watched
    await asyncio.gather(*(read(client, i) for i in range(6)))
    # The first read's answer teaches the limits; until it is back, no other read leaves.
    assert events[:3] == ["sent", "answered", "sent"]
    assert events.count("sent") == 6
    assert refusals(limited) == 0


async def raw_reads(sandbox_url: str, paths: list[str]) -> list[int]:
    """Requests from the same IP that the pacer knows nothing of: another app, another process."""
    async with httpx.AsyncClient(base_url=sandbox_url) as raw:
        body = {"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
        token = (await raw.post("/oauth/token", json=body)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.api+json"}
        return [(await raw.get(path, headers=headers)).status_code for path in paths]


OTHER_READS = ["/api/customers", "/api/orders", "/api/payment_methods", "/api/customer_payment_sources"]


async def test_requests_someone_else_sent_are_read_from_the_remaining_header(
    limited: Sandbox, sandbox_url: str, cl: CommerceLayer
) -> None:
    assert await raw_reads(sandbox_url, OTHER_READS * 2) == [200] * 8  # 8 of the 12 a window allows
    results = await asyncio.gather(*(read(cl, i) for i in range(10)))
    assert len(results) == 10
    assert refusals(limited) == 0  # the first answer said 3 were left, and the pacer believed it


async def test_after_a_429_the_window_counts_as_full_and_the_request_is_sent_again(
    limited: Sandbox, sandbox_url: str, cl: CommerceLayer
) -> None:
    assert await raw_reads(sandbox_url, OTHER_READS * 3) == [200] * 12  # the whole window, elsewhere
    results = await asyncio.gather(*(read(cl, i) for i in range(10)))
    assert len(results) == 10
    # Only the first read, which learns the limits, met the full window; the pacer waited after it.
    assert refusals(limited) == 1
    first_refused = next(i for i, r in enumerate(limited.requests) if r.status == 429)
    assert all(r.status == 200 for r in limited.requests[first_refused + 1 :])


async def test_waiting_for_turns_spends_neither_attempts_nor_total_time(limited: Sandbox, sandbox_url: str) -> None:
    # Two attempts, 0.2 s in all: the last reads wait longer than that for their turn, and one of them
    # still has its second attempt after a 503.
    client = make_client(sandbox_url, replace(FAST_RETRY, attempts=2, total_timeout=0.2))
    limited.inject_fault("GET", r"^/api/orders/", FaultKind.STATUS, status=503, skip=14)
    try:
        results = await asyncio.gather(*(read(client, i) for i in range(15)))
    finally:
        await client.aclose()
    assert len(results) == 15
    assert limited.count("GET", r"^/api/orders/") == 16
    assert refusals(limited) == 0


async def test_a_turn_that_cannot_come_before_the_deadline_fails_at_once_with_nothing_sent(
    sandbox: Sandbox, sandbox_url: str
) -> None:
    # One write per endpoint every 0.5 s; a write keeps 0.1 s before its deadline.
    sandbox.rate_limit_policy = RateLimitPolicy.uniform(Limit(4, 3.0), Limit(1, 0.5))
    sandbox.rate_limits = True
    client = make_client(sandbox_url, replace(FAST_RETRY, write_reserve=0.1))
    try:
        await write(client, 0)
        deadline = time.monotonic() + 0.3
        with client.deadline(deadline), pytest.raises(Unavailable) as caught:
            await write(client, 1)  # its turn is 0.5 s after the first write
        assert time.monotonic() < deadline  # it did not wait for the deadline to pass
        assert "not asked" in caught.value.message
        assert not caught.value.maybe_applied
        assert sandbox.count("PATCH") == 1
        with client.deadline(time.monotonic() + 0.3):
            assert (await read(client, 0)).first is not None  # reads are another class: their turn is now
        with client.deadline(time.monotonic() + 3.0):
            await write(client, 2)  # a turn that comes before the deadline is waited for
        assert sandbox.count("PATCH") == 2
        assert refusals(sandbox) == 0
    finally:
        await client.aclose()


async def test_a_turn_beyond_the_patience_fails_at_once_as_not_sent(sandbox: Sandbox, sandbox_url: str) -> None:
    sandbox.rate_limit_policy = RateLimitPolicy.uniform(Limit(4, 3.0), Limit(1, 0.5))
    sandbox.rate_limits = True
    client = make_client(sandbox_url, replace(FAST_RETRY, rate_limit_patience=0.2))
    try:
        await write(client, 0)
        with pytest.raises(RateLimited, match="not asked") as caught:
            await write(client, 1)
        assert caught.value.status is None and not caught.value.maybe_applied
        assert sandbox.count("PATCH") == 1
    finally:
        await client.aclose()


def test_the_write_reserve_is_the_lease_s() -> None:
    from bot.state.lease import WRITE_RESERVE

    assert RetryPolicy().write_reserve == WRITE_RESERVE


__all__ = ["limited"]  # a fixture: pytest finds it here
