"""The Slack stand-in on loopback with a clock the test moves by hand, for the stand-in's and the console's tests."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.standin import SlackStandIn, StandInServer, start_standin
from tests.support.clock import FakeClock

TOKEN = "xoxb-test-token"


@dataclass
class Slack:
    """A running stand-in, its server and its clock."""

    standin: SlackStandIn
    server: StandInServer
    clock: FakeClock

    def client(self, token: str = TOKEN) -> AsyncWebClient:
        return AsyncWebClient(token=token, base_url=self.server.api_url)


@asynccontextmanager
async def running_standin() -> AsyncIterator[Slack]:
    """A stand-in for team T0CONSOLE whose usergroup S0OPS holds U0ALLOWED."""
    clock = FakeClock(time.monotonic())
    standin = SlackStandIn(
        bot_token=TOKEN, team_id="T0CONSOLE", bot_user_id="U0BOT", usergroups={"S0OPS": ["U0ALLOWED"]}, clock=clock
    )
    server = await start_standin(standin, host="127.0.0.1", port=0)
    try:
        yield Slack(standin, server, clock)
    finally:
        await server.stop()


@pytest.fixture
async def slack() -> AsyncIterator[Slack]:
    """The fixture: conftests that want it import it."""
    async with running_standin() as running:
        yield running
