"""Commerce Layer's rate limits: sliding windows, no X-Ratelimit-Reset (the count is never reset).

Per IP, as Commerce Layer counts: the token endpoint (30 a minute); per class, reads and writes, an
average window (test: 100 a minute, live: 200) and, per endpoint, a burst window (test: 25 in 10 s,
live: 50). Every answer carries X-Ratelimit-Limit, -Interval (seconds) and -Remaining.

With `Sandbox.rate_limits` off (the default for tests, demos and benchmarks of the bot itself)
nothing is refused, and the headers say so: they describe `RateLimitPolicy.unlimited()`, a limit no
run reaches, so that a client pacing itself on the headers goes at full speed, as against a
Commerce Layer whose limits are far away. Small limits and windows (`RateLimitPolicy.uniform`) let
tests reach them in a fraction of a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    requests: int
    interval: float  # seconds (Commerce Layer's are whole; tests use fractions)

    @property
    def interval_text(self) -> str:
        return f"{self.interval:g}"


@dataclass(frozen=True)
class RateLimitPolicy:
    """Limits per class of request; writes share the uncacheable reads' (Inferred.WRITES_SHARE_UNCACHEABLE_LIMITS)."""

    oauth: Limit
    read_burst: Limit
    read_average: Limit
    write_burst: Limit
    write_average: Limit

    @classmethod
    def test_mode(cls) -> RateLimitPolicy:
        return cls(Limit(30, 60), Limit(25, 10), Limit(100, 60), Limit(25, 10), Limit(100, 60))

    @classmethod
    def live_mode(cls) -> RateLimitPolicy:
        return cls(Limit(30, 60), Limit(50, 10), Limit(200, 60), Limit(50, 10), Limit(200, 60))

    @classmethod
    def uniform(cls, average: Limit, burst: Limit, oauth: Limit = Limit(30, 60)) -> RateLimitPolicy:
        """The same average and burst limits for reads and writes: other limits for tests."""
        return cls(oauth, burst, average, burst, average)

    @classmethod
    def unlimited(cls) -> RateLimitPolicy:
        """What the headers describe when the sandbox enforces nothing."""
        return cls.uniform(Limit(1_000_000, 60), Limit(250_000, 10), Limit(1_000_000, 60))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: Limit  # the limit the X-Ratelimit-* headers describe
    remaining: int
    exceeded: Limit | None = None

    def headers(self) -> dict[str, str]:
        # The average window's, also on a 429 that the burst window refused; Remaining counts this
        # request (Inferred.RATE_HEADERS_DESCRIBE_THE_AVERAGE).
        return {
            "X-Ratelimit-Limit": str(self.limit.requests),
            "X-Ratelimit-Interval": self.limit.interval_text,
            "X-Ratelimit-Remaining": str(max(self.remaining, 0)),
        }


class RateLimiter:
    """Sliding windows keyed by (client, bucket); a refused request is not counted (Inferred.REFUSED_NOT_COUNTED)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._windows: dict[tuple[str, str], deque[float]] = {}

    def hit(self, client: str, buckets: list[tuple[str, Limit]], enforce: bool, count: bool = True) -> Decision:
        """Counts one request against every bucket (unless `count` is False: a peek).

        The last bucket is the one the X-Ratelimit-* headers describe (the average limit).
        """
        now = self._clock()
        windows = [(self._window(client, name, limit, now), limit) for name, limit in buckets]
        exceeded = next((limit for window, limit in windows if len(window) >= limit.requests), None)
        headline_window, headline = windows[-1]
        if enforce and exceeded is not None:
            return Decision(False, headline, headline.requests - len(headline_window), exceeded)
        if count:
            for window, _ in windows:
                window.append(now)
        return Decision(True, headline, headline.requests - len(headline_window))

    def _window(self, client: str, name: str, limit: Limit, now: float) -> deque[float]:
        window = self._windows.setdefault((client, name), deque())
        while window and window[0] <= now - limit.interval:
            window.popleft()
        return window

    def reset(self) -> None:
        self._windows.clear()
