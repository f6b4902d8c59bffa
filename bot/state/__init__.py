"""What must hold across processes: an order's save lease, single-use marks (a Confirm pressed once)
and claims (a user's one running bulk save, with what it says about itself).

Two engines behind one small interface, `SharedState`:
    local.py   in this process (one process: the console, the demo, a single web process)
    redis.py   in Redis or Valkey, when REDIS_URL is set (several workers, dynos, overlapping deploys)

Also shared through Redis, but not behind `SharedState`: Commerce Layer's rate-limit budget
(budget.py), which the Commerce Layer client receives as its `RateBudget`. Commerce Layer counts per
IP, so the processes share one allowance; when Redis is down each process paces on its own budget
instead (a read never waits for Redis), since pacing decides when, never whether, a request goes.

Everything else stays per process on purpose: the Commerce Layer token (each process fetches its
own; a token is valid for hours), the user-group cache (read once per expiry per process), the rate
limits learnt from Commerce Layer's headers and connection pools. None of them decides whether
something is done twice.

Errors:
    StateUnavailable   the shared state can't be reached: nothing it guards may go on
    OrderBusy          another holder kept the order longer than a save waits for it
    LeaseLost          the lease ran out or was taken over: stop before the next write
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


class StateUnavailable(Exception):
    """The shared state did not answer; whatever it guards must not run unguarded."""


class OrderBusy(Exception):
    """Another holder kept the order for longer than a second save waits."""


class LeaseLost(Exception):
    """The lease is over (its deadline passed, or another holder has it): no write may follow."""


class Lease(Protocol):
    """The right to change one order, until `deadline` (time.monotonic() seconds)."""

    @property
    def deadline(self) -> float: ...

    @property
    def waited(self) -> bool:
        """Another holder had it first, or had it lately (LeaseTerms.remembered): what it left must be
        read again before acting."""
        ...

    async def check(self) -> None:
        """Raises LeaseLost unless the lease is still held and has time left for a write."""
        ...


@dataclass(frozen=True)
class StateStatus:
    engine: str  # "in-process" or "redis"
    ok: bool
    detail: str = ""


class SharedState(Protocol):
    engine: str

    def hold(self, key: str) -> AbstractAsyncContextManager[Lease]:
        """The lease of `key` for the `async with` block; raises StateUnavailable or LeaseLost."""
        ...

    async def use_once(self, key: str, ttl: float) -> bool:
        """True the first time `key` is used within `ttl` seconds, False after; raises StateUnavailable."""
        ...

    async def claim(self, key: str, value: str, ttl: float) -> str | None:
        """Sets `key` to `value` for `ttl` seconds unless it is set: None when it was set now, else the
        value it holds. Raises StateUnavailable."""
        ...

    async def peek(self, key: str) -> str | None:
        """The value `key` holds, or None. Raises StateUnavailable."""
        ...

    async def swap(self, key: str, expected: str, value: str, ttl: float) -> bool:
        """Sets `key` to `value` for `ttl` seconds (renewing it) only if it holds `expected`; False when
        it does not (any more). Raises StateUnavailable."""
        ...

    async def release(self, key: str, expected: str) -> None:
        """Deletes `key` if it holds `expected`. Raises StateUnavailable."""
        ...

    async def status(self) -> StateStatus: ...

    async def aclose(self) -> None: ...
