"""Answers first: the work after a burst of Slack requests waits until the whole burst is answered.

Slack times every answer (3 s at most, and people feel each 100 ms), while the work after an answer
waits on Commerce Layer for far longer anyway. So the CPU goes to answering every request already
received before it goes to any request's follow-up work; docs/findings.md has the measurements.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress

# Long enough for a burst of a few hundred requests to be answered; short enough that a steady
# stream of requests can't hold the work back.
PATIENCE = 0.25


class AnswersFirst:
    def __init__(self, patience: float = PATIENCE) -> None:
        self.patience = patience
        self._unanswered = 0
        self._answered = asyncio.Event()
        self._answered.set()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Around one Slack request, from the moment its body has arrived to its answer."""
        self._unanswered += 1
        self._answered.clear()
        try:
            yield
        finally:
            self._unanswered -= 1
            if self._unanswered == 0:
                self._answered.set()

    async def wait(self) -> None:
        """Until every request received so far has its answer, or `patience` seconds."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self._answered.wait(), self.patience)
