"""The Slack app factory: the only place that wires the `/wallet` commands to the core."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import structlog
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.commercelayer import CommerceLayer
from bot.settings import Settings
from bot.slack import listeners
from bot.slack.access import Access, AllowLists
from bot.slack.answers import AnswersFirst
from bot.slack.audit import AuditChannel
from bot.slack.drain import Drain
from bot.slack.responses import ResponseUrls
from bot.slack.sealed import Sealer
from bot.slack.services import Services
from bot.state import SharedState
from bot.wallet import Wallet
from commands.table import ROUTES

log = structlog.get_logger("slack")


def create_app(
    settings: Settings,
    cl: CommerceLayer,
    state: SharedState,
    drain: Drain,
    answers: AnswersFirst,
    slack_http: aiohttp.ClientSession,
) -> AsyncApp:
    bot_token = settings.SLACK_BOT_TOKEN.get_secret_value() if settings.SLACK_BOT_TOKEN else ""
    signing_secret = settings.SLACK_SIGNING_SECRET.get_secret_value() if settings.SLACK_SIGNING_SECRET else ""
    # One pooled session for every Slack call: without it slack_sdk opens a session, and a
    # connection, per call (Bolt's per-request clients share this one too).
    client = AsyncWebClient(token=bot_token, base_url=settings.SLACK_API_URL, timeout=10, session=slack_http)
    # Slack answers 429 with Retry-After when a method's tier is exceeded: wait and retry once,
    # rather than fail a request (a 429 means Slack did nothing).
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        logger=logging.getLogger("slack_bolt"),
        # The answer leaves as soon as a listener returns it (bot/slack/listeners.py).
        process_before_response=True,
        # Slash commands are not retried by Slack; an unmatched request should be seen in the logs.
        raise_error_for_unhandled_request=False,
    )
    app.middleware(_bind_request)
    app.error(_unhandled)
    lists = AllowLists(
        settings.WALLET_ALLOWED_USERS, settings.WALLET_ALLOWED_USERGROUPS, settings.WALLET_ALLOWED_CHANNELS
    )
    services = Services(
        wallet=Wallet(cl, state),
        state=state,
        access=Access(lists, client, cl.mode),
        audit=AuditChannel(client, settings.WALLET_AUDIT_CHANNEL),
        # Button values are sealed with a key only this app knows: the signing secret, or in
        # Socket Mode (which has none) the bot token.
        sealer=Sealer(signing_secret or bot_token),
        responses=ResponseUrls(settings.SLACK_API_URL, slack_http),
        require_reason=settings.WALLET_REQUIRE_REASON,
        drain=drain,
    )
    listeners.register(app, ROUTES, services, drain, answers)
    return app


async def _bind_request(body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
    """Give every log line of this request, and of the work it starts, one request id."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(
        request_id=uuid.uuid4().hex[:12], slack_user_id=context.user_id, slack_team_id=context.team_id
    )
    log.info("slack.request", kind=_kind(body), channel_id=context.channel_id)
    await next()


async def _unhandled(error: Exception) -> None:
    """Listeners catch their own failures (bot/slack/listeners.py); this logs the rest, e.g. middleware's."""
    log.error("slack.unhandled_error", error=type(error).__name__, exc_info=error)


def _kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return f"command {body.get('command')}"
    kind = str(body.get("type") or "unknown")
    event = body.get("event")
    if kind == "event_callback" and isinstance(event, dict):  # app_home_opened, function_executed
        return f"event {event.get('type')}"
    view = body.get("view")
    if isinstance(view, dict) and kind.startswith("view_"):
        return f"{kind} {view.get('callback_id')}"
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return f"{kind} {actions[0].get('action_id')}"
    return f"{kind} {body.get('callback_id') or ''}".strip()
