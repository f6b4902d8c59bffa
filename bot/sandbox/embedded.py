"""`--sandbox`: the built-in sandbox started inside the bot's own process, with the settings pointed at it."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

from pydantic import SecretStr

from bot.sandbox import DEMO, Sandbox, start_sandbox
from bot.settings import Settings

SANDBOX_BANNER = (
    f"*** SANDBOX: Commerce Layer is replaced by the built-in emulator at {{url}} (test mode, demo orders "
    f"{DEMO.orders[0].number}–{DEMO.orders[-1].number}, listed in the README). No real customer is touched. ***"
)


async def sandbox_settings(
    settings: Settings, sandbox: Sandbox | None = None
) -> tuple[Settings, Callable[[], Awaitable[None]]]:
    """Start the built-in sandbox (`sandbox`, or one with the demo data) and point the Commerce Layer
    settings at it (announced on stderr)."""
    server = await start_sandbox(sandbox or Sandbox())
    changed = settings.model_copy(
        update={
            "CL_CLIENT_ID": DEMO.client_id,
            "CL_CLIENT_SECRET": SecretStr(DEMO.client_secret),
            "CL_AUTH_URL": server.url,
            "CL_API_URL": server.url,
            "CL_SCOPE": None,
        }
    )
    print(SANDBOX_BANNER.format(url=server.url), file=sys.stderr, flush=True)
    return changed, server.stop
