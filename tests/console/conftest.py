"""Fixtures: the Slack stand-in on loopback, and a tiny real Bolt app served as the bot is (bot/server.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.server import start_asgi
from tests.support.standin import slack as slack

SIGNING_SECRET = "console-test-signing-secret"
EVENTS_PATH = "/slack/events"


@asynccontextmanager
async def serving(app: AsyncApp) -> AsyncIterator[str]:
    """The Bolt app behind Starlette under uvicorn on a free port; yields the URL Slack posts its events to."""
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    running = await start_asgi(Starlette(routes=[Route(EVENTS_PATH, endpoint=events, methods=["POST"])]))
    try:
        yield running.url + EVENTS_PATH
    finally:
        await running.stop()
