"""FakeClock: a clock the test moves by hand, for whatever takes a `clock` callable (the sandbox, the Slack stand-in)."""

from __future__ import annotations

import math


class FakeClock:
    """Reads `now` until the test advances it; it starts where the clock it stands in for would be."""

    def __init__(self, now: float) -> None:
        # A whole number of seconds: then `start + 60 - 60 == start` exactly, and a test that waits out a
        # window to the second sees it over. From an arbitrary float the sum can round below the edge.
        self.now = float(math.floor(now))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
