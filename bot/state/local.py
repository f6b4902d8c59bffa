"""Shared state inside one process: what a single web process, the console and the demo use."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.state import LeaseLost, StateStatus
from bot.state.lease import WRITE_RESERVE, LeaseTerms


@dataclass
class LocalLease:
    deadline: float
    waited: bool

    async def check(self) -> None:
        if time.monotonic() > self.deadline - WRITE_RESERVE:
            raise LeaseLost("its time ran out")


class InProcessState:
    """One lock per key, dropped when nobody holds or waits for it (the table does not grow), and
    single-use marks that expire."""

    engine = "in-process"

    def __init__(self, terms: LeaseTerms | None = None) -> None:
        self.terms = terms or LeaseTerms()
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # key: (lock, holders and waiters)
        self._used: dict[str, float] = {}  # key: when its mark expires (time.monotonic())
        # key: until when a new holder is told that the key was held lately; oldest first
        self._held: dict[str, float] = {}
        self._claims: dict[str, tuple[str, float]] = {}  # key: (value, when it expires)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[LocalLease]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        waited = lock.locked()
        try:
            async with lock:
                waited = self._held_lately(key) or waited
                yield LocalLease(time.monotonic() + self.terms.deadline, waited)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def _held_lately(self, key: str) -> bool:
        """Whether another hold of `key` began within `terms.remembered`; this one is remembered in turn."""
        now = time.monotonic()
        lately = self._held.pop(key, 0.0) > now
        self._held[key] = now + self.terms.remembered
        # Every mark lasts as long, so the oldest expire first.
        while (oldest := next(iter(self._held))) != key and self._held[oldest] <= now:
            del self._held[oldest]
        return lately

    async def use_once(self, key: str, ttl: float) -> bool:
        now = time.monotonic()
        self._used = {mark: until for mark, until in self._used.items() if until > now}
        if key in self._used:
            return False
        self._used[key] = now + ttl
        return True

    async def claim(self, key: str, value: str, ttl: float) -> str | None:
        held = await self.peek(key)
        if held is not None:
            return held
        self._claims[key] = (value, time.monotonic() + ttl)
        return None

    async def peek(self, key: str) -> str | None:
        now = time.monotonic()
        self._claims = {name: claim for name, claim in self._claims.items() if claim[1] > now}
        held = self._claims.get(key)
        return held[0] if held else None

    async def swap(self, key: str, expected: str, value: str, ttl: float) -> bool:
        if await self.peek(key) != expected:
            return False
        self._claims[key] = (value, time.monotonic() + ttl)
        return True

    async def release(self, key: str, expected: str) -> None:
        if await self.peek(key) == expected:
            del self._claims[key]

    async def status(self) -> StateStatus:
        return StateStatus(self.engine, ok=True)

    async def aclose(self) -> None:
        return None
