"""What every listener runs inside: tracked work, and a last resort when something unplanned fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from commands.blocks import section
from commands.payload import dig
from commands.services import Services

log = structlog.get_logger("slack")

# Bolt sends the acknowledgement when its request handler next looks at it, every 10 ms; work
# started right after ack() delays that look. Stepping aside this long first lets the answer
# leave before the slow work.
ACK_HANDOFF = 0.012


async def acknowledge(services: Services, ack: AsyncAck, **answer: Any) -> None:
    """ack(), then step aside until Bolt has sent the answer, and the other requests have theirs."""
    await ack(**answer)
    await asyncio.sleep(ACK_HANDOFF)
    await services.tracker.after_answers()


@asynccontextmanager
async def listening(services: Services, body: dict[str, Any], client: AsyncWebClient) -> AsyncIterator[None]:
    """Tracked from the start, so that shutdown and the console wait for the work after the ack.

    An exception is handled here rather than left to Bolt, whose runner drops an acknowledgement
    that a listener sent just before failing.
    """
    async with services.tracker.track():
        try:
            yield
        except Exception as error:
            await last_resort(error, body, services.responses.to(dig(body, "response_url")), client)


async def last_resort(
    error: Exception, body: dict[str, Any], respond: Callable[..., Awaitable[object]] | None, client: AsyncWebClient
) -> None:
    """A listener failed in a way nobody planned for: log it, and still give the user a final word."""
    request_id = structlog.contextvars.get_contextvars().get("request_id", "unknown")
    log.error("slack.listener_failed", error=type(error).__name__, exc_info=error)
    text = (
        f":x: Something went wrong inside Wallet bot (reference {request_id}). It is not known whether the last "
        "action completed. Running the same command again is safe: a save is finished, never repeated."
    )
    view_id = dig(body, "view", "id")
    try:
        if view_id:
            await client.views_update(
                view_id=view_id, view=View(type="modal", title="Wallet bot", close="Close", blocks=[section(text)])
            )
        elif respond is not None and dig(body, "response_url"):
            await respond(text=text, response_type="ephemeral")
    except Exception as failure:  # the last resort must not raise in its turn
        log.error("slack.last_resort_failed", error=type(failure).__name__)
