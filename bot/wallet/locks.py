"""One save of an order at a time: a second save waits, then sees what the first one left."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class OrderLocks(Protocol):
    def hold(self, key: str) -> AbstractAsyncContextManager[bool]:
        """Holds the lock of `key` for the `async with` block; yields whether it had to wait for it."""
        ...


class InProcessLocks:
    """Locks for the saves of one process: one lock per order, dropped when nobody holds or waits
    for it, so the table does not grow over time."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # key: (lock, holders and waiters)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[bool]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        waited = lock.locked()
        try:
            async with lock:
                yield waited
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
