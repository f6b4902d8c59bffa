"""Commerce Layer's rate-limit budget shared through a real Redis: two processes (two clients, each with
its own connection, as two dynos) stay together under the limits the sandbox enforces; the Lua
scripts keep the in-process budget's rules; with Redis down, requests go on paced in their process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import structlog
from redis.asyncio import Redis

from bot.commercelayer import CommerceLayer, api_path
from bot.commercelayer.pacing import Booking, Seen, Window
from bot.sandbox import Sandbox
from bot.state.budget import PREFIX, RedisBudget
from bot.state.redis import redis_client
from tests.conftest import make_client
from tests.support.rate_limits import ORDER_IDS, limited, refusals
from tests.support.redis_server import RedisServer


def shared_client(sandbox_url: str, server: RedisServer) -> CommerceLayer:
    client = make_client(sandbox_url)
    return CommerceLayer(client._config, budget=RedisBudget(redis_client(server.url)))


@pytest.fixture
async def two_processes(
    sandbox_url: str, redis_server: RedisServer, redis: Redis
) -> AsyncIterator[tuple[CommerceLayer, CommerceLayer]]:
    first, second = shared_client(sandbox_url, redis_server), shared_client(sandbox_url, redis_server)
    yield first, second
    await first.aclose()
    await second.aclose()


async def burst(client: CommerceLayer, reads: int, writes: int) -> int:
    gets = [client.get(api_path("orders", ORDER_IDS[i % len(ORDER_IDS)])) for i in range(reads)]
    patches = [
        client.update("orders", ORDER_IDS[i % len(ORDER_IDS)], attributes={"reference": f"r{i}"}) for i in range(writes)
    ]
    return len(await asyncio.gather(*gets, *patches))


async def test_two_processes_sharing_one_budget_stay_together_under_the_limits(
    limited: Sandbox, two_processes: tuple[CommerceLayer, CommerceLayer], redis: Redis
) -> None:
    first, second = two_processes
    done = await asyncio.gather(burst(first, 14, 8), burst(second, 14, 8))
    assert done == [22, 22]
    assert refusals(limited) == 0
    assert limited.count(path="^/api/") == 44
    assert await redis.keys(PREFIX + "*")  # the turns were booked in Redis


async def test_two_processes_without_a_shared_budget_are_refused(limited: Sandbox, sandbox_url: str) -> None:
    # The same bursts, each process on its own budget: Commerce Layer counts their IP's requests together.
    first, second = make_client(sandbox_url), make_client(sandbox_url)
    try:
        done = await asyncio.gather(burst(first, 14, 8), burst(second, 14, 8))
    finally:
        await first.aclose()
        await second.aclose()
    assert done == [22, 22]  # all done in the end (waiting after each 429), but refused on the way
    assert refusals(limited) > 0


async def test_with_redis_down_requests_go_on_paced_in_their_process_and_it_is_logged_once(
    limited: Sandbox, sandbox_url: str, redis_server: RedisServer, redis: Redis
) -> None:
    client = shared_client(sandbox_url, redis_server)
    redis_server.stop()
    try:
        with structlog.testing.capture_logs() as logs:
            assert await burst(client, 16, 6) == 22
        assert refusals(limited) == 0
        assert [entry["event"] for entry in logs].count("state.budget_unavailable") == 1
    finally:
        redis_server.start()
        await client.aclose()


# ---- the Lua scripts' rules, as tests/commercelayer/test_budget.py checks them in one process ----


@pytest.fixture
async def budget(redis_server: RedisServer, redis: Redis) -> AsyncIterator[RedisBudget]:
    budget = RedisBudget(redis_client(redis_server.url))
    yield budget
    await budget.aclose()


POST = Window("write POST /api/stripe_payments", 2, 10.0)
AVERAGE_WINDOW = Window("write", 4, 60.0)


async def book(budget: RedisBudget, *windows: Window, within: float | None = None) -> Booking:
    booking = await budget.reserve(windows, within)
    assert booking is not None and booking.engine == "redis"
    return booking


async def test_turns_are_planned_in_line_on_redis_s_clock(budget: RedisBudget) -> None:
    bookings = [await book(budget, AVERAGE_WINDOW, POST) for _ in range(6)]
    first = bookings[0].planned
    # ms on Redis's clock: two at once (the POST burst), two 10 s later, then the average is full.
    offsets = [round((b.planned - first) / 1000) for b in bookings]
    assert offsets == [0, 0, 10, 10, 60, 60]
    assert await budget.reserve((AVERAGE_WINDOW,), within=30.0) is None
    assert round((await book(budget, AVERAGE_WINDOW)).wait) == 70  # nothing was booked by the refusal


async def test_a_claim_waits_while_the_window_is_full_and_a_turn_given_back_frees_it(budget: RedisBudget) -> None:
    first, second, third = [await book(budget, POST, within=None) for _ in range(3)]
    assert await budget.claim(first) == 0.0
    assert await budget.claim(second) == 0.0
    assert await budget.claim(third) > 0  # two in flight fill the window
    await budget.settle(second, sent=False)  # nothing was sent after all
    assert await budget.claim(third) == 0.0


async def test_requests_the_headers_reveal_are_added_to_the_shared_budget(budget: RedisBudget) -> None:
    average = Window("read", 10, 60.0)
    probe = await book(budget, average)
    assert await budget.claim(probe) == 0.0
    await budget.settle(probe, sent=True, seen=Seen(average, 7))  # 6 sent by someone else
    plans = [round((await book(budget, average)).wait) for _ in range(4)]
    assert plans == [0, 0, 0, 60]


__all__ = ["limited"]  # a fixture: pytest finds it here
