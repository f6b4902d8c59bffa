"""Redis state against a real server: leases shared by processes (two clients stand for two), renewed
while held, lost when taken over; single-use marks; a server that is down is said to be down."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from bot.state import LeaseLost, OrderBusy, StateUnavailable
from bot.state.lease import LeaseTerms
from bot.state.redis import PREFIX, RedisState, describe, redis_client
from tests.support.redis_server import RedisServer

SHORT = LeaseTerms(deadline=30.0, ttl=0.6, wait=3.0)


def two_processes(server: RedisServer, terms: LeaseTerms = SHORT) -> tuple[RedisState, RedisState]:
    return RedisState(redis_client(server.url), terms), RedisState(redis_client(server.url), terms)


async def test_two_processes_hold_an_order_one_at_a_time(redis_server: RedisServer, redis: Redis) -> None:
    first, second = two_processes(redis_server)
    order: list[str] = []

    async def save(state: RedisState, name: str) -> bool:
        async with state.hold("ordPlaced1") as lease:
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")
            return lease.waited

    one = asyncio.create_task(save(first, "one"))
    await asyncio.sleep(0.05)
    waited = await save(second, "two")
    assert await one is False
    assert waited is True
    assert order == ["one in", "one out", "two in", "two out"]
    assert await redis.keys(PREFIX + "lock:*") == []  # released, not left to expire
    await first.aclose()
    await second.aclose()


async def test_a_hold_after_another_process_held_the_order_lately_is_told_so(
    redis_server: RedisServer, redis: Redis
) -> None:
    # A save reads its order before it takes the lease: if another process took the order, wrote
    # and left in between, this save never waited, yet what it read is stale.
    first, second = two_processes(redis_server)
    async with first.hold("ordPlaced1") as lease:
        assert not lease.waited
    async with second.hold("ordPlaced1") as lease:
        assert lease.waited
    async with second.hold("ordOther01") as lease:
        assert not lease.waited
    ttl = await redis.pttl(PREFIX + "held:ordPlaced1")
    assert SHORT.deadline * 1000 < ttl <= SHORT.remembered * 1000
    await first.aclose()
    await second.aclose()


async def test_a_lease_is_renewed_while_its_holder_lives(redis_server: RedisServer, redis: Redis) -> None:
    first, second = two_processes(redis_server)
    async with first.hold("ordPlaced1") as lease:
        await asyncio.sleep(SHORT.ttl * 3)  # three times the key's time to live
        await lease.check()
        with pytest.raises(OrderBusy):
            async with RedisState(redis_client(redis_server.url), LeaseTerms(ttl=0.6, wait=0.3)).hold("ordPlaced1"):
                pass
    await first.aclose()
    await second.aclose()


async def test_a_lease_taken_over_allows_no_write(redis_server: RedisServer, redis: Redis) -> None:
    state = RedisState(redis_client(redis_server.url), SHORT)
    async with state.hold("ordPlaced1") as lease:
        await redis.set(PREFIX + "lock:ordPlaced1", "someone-else")
        with pytest.raises(LeaseLost, match="another process"):
            await lease.check()
    assert await redis.get(PREFIX + "lock:ordPlaced1") == b"someone-else"  # not released: not ours
    await state.aclose()


async def test_a_holder_that_dies_frees_the_order_within_the_ttl(redis_server: RedisServer, redis: Redis) -> None:
    # A process killed mid-save leaves its key; nobody renews it, so it expires.
    await redis.set(PREFIX + "lock:ordPlaced1", "killed-process", px=int(SHORT.ttl * 1000))
    state = RedisState(redis_client(redis_server.url), SHORT)
    async with state.hold("ordPlaced1") as lease:
        assert lease.waited
        await lease.check()
    await state.aclose()


async def test_a_lease_past_its_deadline_allows_no_write(redis_server: RedisServer, redis: Redis) -> None:
    state = RedisState(redis_client(redis_server.url), LeaseTerms(deadline=2.05, ttl=5, wait=1))
    async with state.hold("ordPlaced1") as lease:
        await asyncio.sleep(0.1)
        with pytest.raises(LeaseLost, match="time ran out"):
            await lease.check()
    await state.aclose()


async def test_a_mark_is_used_once_across_processes(redis_server: RedisServer, redis: Redis) -> None:
    first, second = two_processes(redis_server)
    results = await asyncio.gather(*(state.use_once("confirm:abc", ttl=60) for state in (first, second) * 5))
    assert sorted(results) == [False] * 9 + [True]
    await first.aclose()
    await second.aclose()


async def test_a_server_that_is_down_is_said_to_be_down(redis_server: RedisServer, redis: Redis) -> None:
    state = RedisState(redis_client(redis_server.url), SHORT)
    assert (await state.status()).ok
    redis_server.stop()
    status = await state.status()
    assert (status.engine, status.ok) == ("redis", False)
    with pytest.raises(StateUnavailable):
        async with state.hold("ordPlaced1"):
            pass
    with pytest.raises(StateUnavailable):
        await state.use_once("confirm:abc", ttl=60)
    redis_server.start()
    async with state.hold("ordPlaced1") as lease:  # back when the server is
        await lease.check()
    await state.aclose()


async def test_every_pooled_connection_works_again_after_a_restart(redis_server: RedisServer, redis: Redis) -> None:
    # Connections opened before the restart were closed by the old server: each is replaced on its
    # next command, rather than failing it.
    state = RedisState(redis_client(redis_server.url), SHORT)
    assert all(await asyncio.gather(*(state.use_once(f"confirm:{i}", ttl=60) for i in range(10))))
    redis_server.stop()
    redis_server.start()
    assert all(await asyncio.gather(*(state.use_once(f"confirm:again{i}", ttl=60) for i in range(10))))
    await state.aclose()


async def test_a_burst_in_one_process_waits_for_a_connection(redis_server: RedisServer, redis: Redis) -> None:
    # redis-py's default pool refused commands past 100 connections: half of a 200-save burst.
    state = RedisState(redis_client(redis_server.url), SHORT)

    async def save(i: int) -> bool:
        async with state.hold(f"ord{i}") as lease:
            await lease.check()
            return await state.use_once(f"confirm:{i}", ttl=60)

    assert all(await asyncio.gather(*(save(i) for i in range(300))))
    await state.aclose()


async def test_tls_with_a_self_signed_certificate_needs_verification_off() -> None:
    server = RedisServer(tls=True)
    try:
        server.start()
    except RuntimeError:
        server.cleanup()
        pytest.skip(f"{server.binary} was built without TLS (Debian's redis-server has it)")
    try:
        verified = RedisState(redis_client(server.url), SHORT)
        assert not (await verified.status()).ok  # a self-signed certificate fails verification
        insecure = RedisState(redis_client(server.url, tls_insecure=True), SHORT)
        assert (await insecure.status()).ok
        assert await insecure.use_once("confirm:tls", ttl=5)
        await verified.aclose()
        await insecure.aclose()
    finally:
        server.cleanup()


def test_a_url_is_described_without_its_password() -> None:
    assert describe("rediss://:s3cret-pass@example.com:6380/0") == "rediss://example.com:6380"


async def test_a_claim_is_held_by_one_process_renewed_by_its_holder_and_released(
    redis_server: RedisServer, redis: Redis
) -> None:
    first, second = two_processes(redis_server)
    assert await first.claim("bulk-user:T:U", "batch-1", ttl=60) is None
    assert await second.claim("bulk-user:T:U", "batch-2", ttl=60) == "batch-1"  # held: told by whom
    assert await second.peek("bulk-user:T:U") == "batch-1"
    assert not await second.swap("bulk-user:T:U", "batch-2", "batch-2", ttl=60)  # not its claim
    assert await first.swap("bulk-user:T:U", "batch-1", "batch-1 posted", ttl=0.3)
    await second.release("bulk-user:T:U", "batch-1")  # not what it holds: nothing happens
    assert await first.peek("bulk-user:T:U") == "batch-1 posted"
    await asyncio.sleep(0.4)  # a holder that stops renewing loses it
    assert await second.claim("bulk-user:T:U", "batch-2", ttl=60) is None
    await second.release("bulk-user:T:U", "batch-2")
    assert await first.peek("bulk-user:T:U") is None
    await first.aclose()
    await second.aclose()
