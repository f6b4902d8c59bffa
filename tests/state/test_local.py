"""In-process state: one holder of an order at a time, a waiter learns it waited, no lock outlives its
users, the lease's deadline is enforced before writes, and a mark is used once until it expires."""

from __future__ import annotations

import asyncio

import pytest

from bot.state import LeaseLost, SharedState
from bot.state.lease import LeaseTerms
from bot.state.local import InProcessState


async def test_a_second_holder_waits_and_is_told_so() -> None:
    state: SharedState = InProcessState()
    order: list[str] = []

    async def save(name: str) -> bool:
        async with state.hold("ordPlaced1") as lease:
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")
            return lease.waited

    first, second = await asyncio.gather(save("first"), save("second"))

    assert (first, second) == (False, True)
    assert order == ["first in", "first out", "second in", "second out"]


async def test_a_hold_after_another_one_lately_is_told_so() -> None:
    # A save reads its order before it takes the lease: if another save took the order, wrote and
    # left in between, this save never waited, yet what it read is stale.
    state = InProcessState(LeaseTerms(deadline=0.05))
    async with state.hold("ordPlaced1") as lease:
        assert not lease.waited
    async with state.hold("ordPlaced1") as lease:
        assert lease.waited
    async with state.hold("ordOther01") as lease:
        assert not lease.waited


async def test_different_orders_do_not_wait_for_each_other() -> None:
    state = InProcessState()
    async with state.hold("a") as lease_a, state.hold("b") as lease_b:
        assert (lease_a.waited, lease_b.waited) == (False, False)


async def test_a_lock_is_dropped_once_nobody_holds_or_waits_for_it() -> None:
    state = InProcessState()

    async def hold(key: str) -> None:
        async with state.hold(key):
            await asyncio.sleep(0)

    await asyncio.gather(*(hold(f"ord{i % 3}") for i in range(9)))

    assert state._locks == {}


async def test_a_holder_that_fails_lets_the_next_one_in() -> None:
    state = InProcessState()
    with pytest.raises(RuntimeError):
        async with state.hold("ordPlaced1"):
            raise RuntimeError("the save failed")
    async with state.hold("ordPlaced1") as lease:
        assert lease.waited  # the failed save may have written: the next one reads the order again
    assert state._locks == {}


async def test_a_lease_past_its_deadline_allows_no_write() -> None:
    state = InProcessState(LeaseTerms(deadline=2.05))
    async with state.hold("ordPlaced1") as lease:
        await lease.check()  # fresh: a write may start
        await asyncio.sleep(0.1)  # now less than the write reserve is left
        with pytest.raises(LeaseLost, match="time ran out"):
            await lease.check()


async def test_a_mark_is_used_once_until_it_expires() -> None:
    state = InProcessState()
    assert await state.use_once("confirm:abc", ttl=0.05)
    assert not await state.use_once("confirm:abc", ttl=0.05)
    assert await state.use_once("confirm:other", ttl=0.05)
    await asyncio.sleep(0.08)
    assert await state.use_once("confirm:abc", ttl=0.05)


async def test_a_claim_is_held_until_released_or_expired() -> None:
    state: SharedState = InProcessState()
    assert await state.claim("bulk-user:T:U", "batch-1", ttl=60) is None
    assert await state.claim("bulk-user:T:U", "batch-2", ttl=60) == "batch-1"
    assert not await state.swap("bulk-user:T:U", "batch-2", "x", ttl=60)
    assert await state.swap("bulk-user:T:U", "batch-1", "batch-1 posted", ttl=0.05)
    await state.release("bulk-user:T:U", "batch-1")
    assert await state.peek("bulk-user:T:U") == "batch-1 posted"
    await asyncio.sleep(0.06)
    assert await state.peek("bulk-user:T:U") is None
    assert await state.claim("bulk-user:T:U", "batch-2", ttl=60) is None
    await state.release("bulk-user:T:U", "batch-2")
    assert await state.peek("bulk-user:T:U") is None
