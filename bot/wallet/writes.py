"""How a use and a removal write: never once their lease has ended, and a write that got no clear
answer is looked up before it is repeated.

A timeout, a dropped connection or a 5xx leaves a write's fate unknown (`maybe_applied`). Sending it
again could do it twice; telling the user "nothing changed" could be wrong. So the state is read
first: if the change is there, the write landed; if it is not, sending it once more can't do it twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commercelayer import CommerceLayerError
from bot.state import Lease, LeaseLost

Landed = Callable[[], Awaitable[bool | None]]  # True, False, or None when the state can't be read


class Unclear(Exception):
    """Still no clear answer after looking: it is not known whether the write landed."""

    def __init__(self, error: CommerceLayerError, looked: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.looked = looked  # False: the state could not even be read


async def write_once(write: Callable[[], Awaitable[object]], landed: Landed) -> None:
    """Sends `write` until it is known to have landed, at most twice and never over a change that landed.

    Raises the CommerceLayerError of a clear refusal, or Unclear.
    """
    try:
        await write()
        return
    except CommerceLayerError as error:
        if not error.maybe_applied:
            raise
        unclear = error
    for second_look in (False, True):
        found = await landed()
        if found is None:
            raise Unclear(unclear, looked=False)
        if found:
            return
        if second_look:
            break
        try:  # it did not land: sending it now cannot make it twice
            await write()
            return
        except CommerceLayerError as again:
            if not again.maybe_applied:
                raise
            unclear = again
    raise Unclear(unclear, looked=True)


async def lease_ended(lease: Lease) -> str | None:
    """Why no write may follow (the lease ran out, or another holder has it), or None while it holds."""
    try:
        await lease.check()
    except LeaseLost as lost:
        return str(lost)
    return None
