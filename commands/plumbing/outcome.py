"""Running a core operation for a surface: every user gets a final word, whatever happens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from bot.slack.listeners import Incoming
from bot.slack.services import Services
from bot.wallet import SaveFailed, WalletError
from commands.plumbing.blocks import failure_blocks
from commands.plumbing.refusal import refused

R = TypeVar("R")
LOOKS_FIRST = "Run the same command again: it looks first, and changes nothing twice."
log = structlog.get_logger("commands")


def unexpected(doing: str, next_step: str = LOOKS_FIRST) -> WalletError:
    return SaveFailed(
        f"Something unexpected went wrong inside Wallet bot while it tried to {doing}.",
        unchanged=("It is not known how far it got.",),
        next_step=next_step,
    )


async def settled(work: Awaitable[R], doing: str, next_step: str = LOOKS_FIRST) -> R | WalletError:
    """What `work` answers, or the WalletError to show; never raises."""
    try:
        return await work
    except WalletError as error:
        return error
    except Exception:
        log.exception("commands.unexpected_error", doing=doing)
        return unexpected(doing, next_step)


async def read_for(request: Incoming, services: Services, load: Callable[[], Awaitable[R | WalletError]]) -> R | None:
    """What `load` reads for the user, once their access is checked; None after an ephemeral refusal
    or failure has told them why not."""
    if await refused(request, services, request.say):
        return None
    found = await load()
    if isinstance(found, WalletError):
        await request.say(found.message, failure_blocks(found))
        return None
    return found
