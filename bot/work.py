"""Slack requests awaiting their answer, and the work that runs after it, tracked so that answers go
first and shutdown and the console can wait for the work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

# How long work after an acknowledgement may wait for other requests' answers: enough for a burst
# of a few hundred to be answered, short enough that a steady stream of requests can't stall it.
ANSWER_PATIENCE = 0.25


class WorkTracker:
    """Counts requests not yet answered, and slow work in flight (saves, previews, posts after the ack)."""

    def __init__(self, answer_patience: float = ANSWER_PATIENCE) -> None:
        self.answer_patience = answer_patience
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._unanswered = 0
        self._answered = asyncio.Event()
        self._answered.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:
        """True when no work is in flight, False if `timeout` seconds passed first."""
        return await _wait(self._idle, timeout)

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Around a Slack request, from its arrival to its answer (the acknowledgement)."""
        self._unanswered += 1
        self._answered.clear()
        try:
            yield
        finally:
            self._unanswered -= 1
            if self._unanswered == 0:
                self._answered.set()

    async def after_answers(self) -> None:
        """Wait until every request received so far has its answer, or `answer_patience` seconds.

        Slack times the answers (3 s at most, and users feel every 100 ms); the work after them
        waits on Commerce Layer for far longer anyway. Every request of a burst is thus answered
        before the CPU goes to any request's follow-up work.
        """
        await _wait(self._answered, self.answer_patience)


async def _wait(event: asyncio.Event, timeout: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except TimeoutError:
        return False
    return True
