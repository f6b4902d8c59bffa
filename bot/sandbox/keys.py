"""Typed keys of the aiohttp application that serves a sandbox."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from bot.sandbox.core import Sandbox

SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
# Set when the server stops, so held requests (latency, TIMEOUT faults) end at once.
CLOSING_KEY = web.AppKey("closing", asyncio.Event)


async def pause(app: web.Application, seconds: float) -> None:
    """Sleeps without blocking the loop, and wakes early when the server stops."""
    if seconds <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(app[CLOSING_KEY].wait(), seconds)
