"""`app_home_opened`: the Home tab published for the user, at once, then with their recent changes.

Cheap on purpose: the first publish needs no Commerce Layer request beyond its token (the mode is
the token's, the access decision is the commands' own); the recent changes are one request, bounded
in time. A user re-opening the tab while their Home is being built joins that build (single flight).
The second publish carries the first one's `hash`: if something newer was published meanwhile,
Slack answers `hash_conflict` and the newer Home stays.
"""

from __future__ import annotations

import asyncio

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commercelayer import CommerceLayerError
from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import HistoryResult, WalletError
from commands.home.views import RECENT_SHOWN, Home, home_view

log = structlog.get_logger("home")
# Commerce Layer gets this long for the recent changes; past it, the Home says they couldn't be read.
RECENT_DEADLINE = 4.0
MODE_DEADLINE = 2.0


async def home_opened(request: Incoming, services: Services) -> Answer:
    if request.event.get("tab") != "home" or not request.user_id:
        return answer()  # the Messages tab: nothing to publish
    user_id = request.user_id

    async def publish() -> None:
        await services.flights.run(f"home:{request.team_id}:{user_id}", lambda: _publish(request, services, user_id))

    return answer().then(publish)


async def _publish(request: Incoming, services: Services, user_id: str) -> None:
    mode, access = await asyncio.gather(_mode(services), services.access.check(user_id, None))
    first = await _publish_view(request.client, user_id, Home(access, mode), None)
    if first is None:
        return
    recent = await _recent(services, user_id)
    await _publish_view(request.client, user_id, Home(access, mode, recent), first)


async def _mode(services: Services) -> str | None:
    try:
        async with asyncio.timeout(MODE_DEADLINE):
            return await services.wallet.mode()
    except (CommerceLayerError, TimeoutError):
        return None


async def _recent(services: Services, user_id: str) -> HistoryResult | str:
    """The user's recent changes, or why they couldn't be read."""
    try:
        async with asyncio.timeout(RECENT_DEADLINE):
            return await services.wallet.recent_changes(user_id, RECENT_SHOWN)
    except TimeoutError:
        return "Commerce Layer did not answer in time."
    except WalletError as error:
        return error.what
    except Exception:
        log.exception("home.recent_failed")
        return "something unexpected went wrong inside Wallet bot."


async def _publish_view(client: AsyncWebClient, user_id: str, home: Home, previous_hash: str | None) -> str | None:
    """The published view's hash, or None when Slack refused it (logged: the user sees the Home they had)."""
    try:
        published = await client.views_publish(user_id=user_id, view=home_view(home), hash=previous_hash)
    except SlackApiError as error:
        log.warning("home.not_published", error=error.response.get("error"))
        return None
    return str(published["view"]["hash"])
