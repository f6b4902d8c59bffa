"""Fixtures: the Slack stand-in on loopback, and a tiny real Bolt app served by uvicorn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.standin import SlackStandIn, StandInServer, start_standin

TOKEN = "xoxb-test-token"
SIGNING_SECRET = "console-test-signing-secret"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Slack:
    standin: SlackStandIn
    server: StandInServer
    clock: FakeClock

    def client(self, token: str = TOKEN) -> AsyncWebClient:
        return AsyncWebClient(token=token, base_url=self.server.api_url)


@pytest.fixture
async def slack() -> AsyncIterator[Slack]:
    clock = FakeClock()
    standin = SlackStandIn(
        bot_token=TOKEN, team_id="T0CONSOLE", bot_user_id="U0BOT", usergroups={"S0OPS": ["U0ALLOWED"]}, clock=clock
    )
    server = await start_standin(standin, host="127.0.0.1", port=0)
    yield Slack(standin, server, clock)
    await server.stop()


@dataclass
class RunningApp:
    url: str
    server: uvicorn.Server
    task: asyncio.Task[None]


async def serve(app: AsyncApp) -> RunningApp:
    """The Bolt app behind Starlette under uvicorn on a free port, as production serves it."""
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    api = Starlette(routes=[Route("/slack/events", endpoint=events, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return RunningApp(f"http://127.0.0.1:{port}/slack/events", server, task)


async def stop(running: RunningApp) -> None:
    running.server.should_exit = True
    await running.task
