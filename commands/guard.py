"""Access checks shared by every listener that reads or changes a wallet."""

from __future__ import annotations

from commands.blocks import escape
from commands.services import Services


async def refusal(services: Services, user_id: str, channel_id: str | None) -> str | None:
    """None when the user may go on; otherwise the ephemeral text that says how to get access."""
    decision = await services.access.check(user_id, channel_id)
    return None if decision.allowed else f":no_entry: {escape(decision.reason)}"
