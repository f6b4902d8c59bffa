"""What every listener runs inside: tracked work, and a last resort when something unplanned fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from commands.blocks import section
from commands.payload import dig
from commands.services import Services

log = structlog.get_logger("slack")


@asynccontextmanager
async def listening(
    services: Services, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None = None
) -> AsyncIterator[None]:
    """Tracked from the start, so that shutdown and the console wait for the work after the ack.

    An exception is handled here rather than left to Bolt, whose runner drops an acknowledgement
    that a listener sent just before failing.
    """
    async with services.tracker.track():
        try:
            yield
        except Exception as error:
            await last_resort(error, body, respond, client)


async def last_resort(
    error: Exception, body: dict[str, Any], respond: AsyncRespond | None, client: AsyncWebClient
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
