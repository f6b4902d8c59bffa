"""The per-order lock: one holder at a time, a waiter learns it waited, and no lock outlives its users."""

from __future__ import annotations

import asyncio

import pytest

from bot.wallet.locks import InProcessLocks, OrderLocks


async def test_a_second_holder_waits_and_is_told_so() -> None:
    locks: OrderLocks = InProcessLocks()
    order: list[str] = []

    async def save(name: str) -> bool:
        async with locks.hold("ordPlaced1") as waited:
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")
            return waited

    first, second = await asyncio.gather(save("first"), save("second"))

    assert (first, second) == (False, True)
    assert order == ["first in", "first out", "second in", "second out"]


async def test_different_orders_do_not_wait_for_each_other() -> None:
    locks = InProcessLocks()
    async with locks.hold("a") as waited_a, locks.hold("b") as waited_b:
        assert (waited_a, waited_b) == (False, False)


async def test_a_lock_is_dropped_once_nobody_holds_or_waits_for_it() -> None:
    locks = InProcessLocks()

    async def hold(key: str) -> None:
        async with locks.hold(key):
            await asyncio.sleep(0)

    await asyncio.gather(*(hold(f"ord{i % 3}") for i in range(9)))

    assert locks._locks == {}


async def test_a_holder_that_fails_lets_the_next_one_in() -> None:
    locks = InProcessLocks()
    with pytest.raises(RuntimeError):
        async with locks.hold("ordPlaced1"):
            raise RuntimeError("the save failed")
    async with locks.hold("ordPlaced1") as waited:
        assert not waited
    assert locks._locks == {}
