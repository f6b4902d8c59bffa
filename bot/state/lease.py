"""How long a save may hold an order, in one place for both engines."""

from __future__ import annotations

from dataclasses import dataclass

# A write is not started with less time than this left on the lease: a request cut short by the
# deadline would leave the order in an unknown state.
WRITE_RESERVE = 2.0


@dataclass(frozen=True)
class LeaseTerms:
    # The hard deadline on the work inside the lease. Long enough for a save whose requests wait
    # their turn under Commerce Layer's rate limits (bot/commercelayer/retry.py).
    deadline: float = 300.0
    # Redis only: the key's time to live, renewed while the holder lives, so that a process killed
    # mid-save frees the order within this time rather than at its deadline.
    ttl: float = 15.0
    # Redis only: how long a second save waits for the order before it is told to try again.
    wait: float = 20.0

    @property
    def renew_every(self) -> float:
        return self.ttl / 3

    @property
    def remembered(self) -> float:
        """How long after a save took an order a later save is told so (`Lease.waited`).

        A save reads its order before it takes the lease, so another save may take the order, write
        and leave it in between, without the later one ever waiting: it must read the order again.
        The other save's whole lease, and a minute for the later save's read to reach its lease.
        """
        return self.deadline + 60.0
