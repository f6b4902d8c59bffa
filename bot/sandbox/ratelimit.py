"""Commerce Layer's rate limits: sliding windows, no X-Ratelimit-Reset (the count is never reset)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    requests: int
    interval: int  # seconds


@dataclass(frozen=True)
class RateLimitPolicy:
    """Limits per class of request. Writes are assumed to share the uncacheable-read numbers (notes §3)."""

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


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: Limit  # the limit the X-Ratelimit-* headers describe
    remaining: int
    exceeded: Limit | None = None

    def headers(self) -> dict[str, str]:
        return {
            "X-Ratelimit-Limit": str(self.limit.requests),
            "X-Ratelimit-Interval": str(self.limit.interval),
            "X-Ratelimit-Remaining": str(max(self.remaining, 0)),
        }


class RateLimiter:
    """Sliding windows keyed by (client, bucket); a refused request is not counted."""

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
