"""FakeClock: a clock the test moves by hand, for whatever takes a `clock` callable (the sandbox, the Slack stand-in)."""

from __future__ import annotations


class FakeClock:
    """Reads `now` until the test advances it; it starts where the clock it stands in for would be."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
