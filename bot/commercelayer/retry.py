"""When to repeat a Commerce Layer request. Waiting for a turn under the rate limits is pacing.py's job."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.commercelayer.errors import RateLimited, Unavailable


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded in attempts and in total time; waits grow exponentially with jitter."""

    attempts: int = 6
    total_timeout: float = 90.0
    wait_initial: float = 0.2
    wait_max: float = 8.0
    wait_jitter: float = 0.5
    request_timeout: float = 10.0
    # How long one request may wait for its turn under the rate limits (pacing.py), 429s included.
    # Those waits spend neither `attempts` nor `total_timeout`; this bounds them instead (the limits'
    # windows are 10 s and 60 s: a few minutes lets a crowd of saves drain). A turn that can't come
    # within it fails at once, having sent nothing.
    rate_limit_patience: float = 300.0
    # A write does not leave with less than this left before its deadline (a save's lease): cut short,
    # it would leave the order in an unknown state. bot/state/lease.py's WRITE_RESERVE is the same.
    write_reserve: float = 2.0


def retryable(error: Exception, *, idempotent: bool) -> bool:
    """A 429 was refused before any change; a 5xx or lost connection only if repeating is harmless.

    A request that got no turn in the time allowed (no status: nothing was sent) is not repeated.
    """
    if isinstance(error, RateLimited):
        return error.status == 429
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
