"""When to repeat a Commerce Layer request, and how to slow down when it says we go too fast."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

from bot.commercelayer.errors import CommerceLayerError, RateLimited, Unavailable


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded in attempts and in total time; waits grow exponentially with jitter."""

    attempts: int = 6
    total_timeout: float = 90.0
    wait_initial: float = 0.2
    wait_max: float = 8.0
    wait_jitter: float = 0.5
    request_timeout: float = 10.0
    # How long one request may keep waiting for its turn while Commerce Layer answers 429. A 429
    # changed nothing, and the Pacer already spaces requests at the allowed rate, so those waits
    # spend neither `attempts` nor `total_timeout`; this bounds them instead (the limits' windows
    # are 10 s and 60 s, so a few minutes lets a crowd of saves drain).
    rate_limit_patience: float = 300.0


def retryable(error: Exception, *, idempotent: bool) -> bool:
    """A 429 was refused before any change; a 5xx or lost connection only if repeating is harmless."""
    if isinstance(error, RateLimited):
        return True
    if isinstance(error, Unavailable):
        return idempotent or not error.maybe_applied
    return False


def pace_of(headers: Mapping[str, str]) -> tuple[int, float] | None:
    """(limit, interval seconds) from X-Ratelimit-Limit / X-Ratelimit-Interval, if both are usable."""
    try:
        limit = int(headers.get("x-ratelimit-limit", ""))
        interval = float(headers.get("x-ratelimit-interval", ""))
    except ValueError:
        return None
    return (limit, interval) if limit > 0 and interval > 0 else None


class Pacer:
    """After a 429, spaces requests `interval / limit` apart for one interval, instead of hammering.

    Each waiting request takes the next free slot, so a crowd that was refused together leaves in a
    line rather than all at once again.
    """

    def __init__(self) -> None:
        self._spacing = 0.0
        self._until = 0.0
        self._next_slot = 0.0

    def slow_down(self, error: CommerceLayerError, default: tuple[int, float]) -> None:
        limit, interval = error.pace or default
        now = time.monotonic()
        self._spacing = max(self._spacing if now < self._until else 0.0, interval / limit)
        self._until = now + interval
        self._next_slot = max(self._next_slot, now + self._spacing)

    async def wait_turn(self) -> None:
        now = time.monotonic()
        if now >= self._until:
            return
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._spacing
        if slot > now:
            await asyncio.sleep(slot - now)
