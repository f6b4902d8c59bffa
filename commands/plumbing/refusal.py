"""Refused: say so and stop. Every listener that reads or changes a wallet checks access this way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.slack.listeners import Incoming
from bot.slack.services import Services
from commands.plumbing.blocks import escape

Tell = Callable[[str], Awaitable[object]]


async def refused(request: Incoming, services: Services, tell: Tell, *, channel_id: str | None = None) -> bool:
    """True when the user may not go on, after `tell` has said why and how to get access.

    `channel_id` is where the request counts as made from, when the payload does not say (a modal).
    """
    decision = await services.access.check(request.user_id, channel_id or request.channel_id)
    if decision.allowed:
        return False
    await tell(f":no_entry: {escape(decision.reason)}")
    return True
