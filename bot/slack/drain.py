"""The work that runs after Slack requests were answered, counted so that SIGTERM can wait for it."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Drain:
    """Counts work from the moment it is scheduled, not from when it starts running.

    A request answered just before SIGTERM has its work counted already, so shutdown waits for it
    even if the event loop has not yet given that work its first turn.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    @property
    def closing(self) -> bool:
        """Shutdown has begun: long work (a bulk save) starts nothing new and finishes what it started."""
        return self._closing

    def close(self) -> None:
        self._closing = True

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """True when no work is in flight, False if `timeout` seconds passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True
