"""Fixtures: the Slack stand-in on loopback, and a tiny real Bolt app served by uvicorn."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.standin import slack as slack

SIGNING_SECRET = "console-test-signing-secret"


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
