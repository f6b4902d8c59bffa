"""Single flight: work asked for again while it is still running is joined, not started twice.

A user flicking between the App Home's tabs sends `app_home_opened` each time; the Home being built
for them is what they will see, so a second build (and its Commerce Layer request) adds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class SingleFlight:
    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[None]] = {}

    async def run(self, key: str, work: Callable[[], Awaitable[None]]) -> bool:
        """Runs `work` unless work for `key` is running, which is then awaited instead; True when it ran."""
        running = self._running.get(key)
        if running is not None:
            # Shielded: one joiner's cancellation must not cancel the work the others wait for.
            await asyncio.shield(running)
            return False
        task = asyncio.ensure_future(work())
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))
        await asyncio.shield(task)
        return True
