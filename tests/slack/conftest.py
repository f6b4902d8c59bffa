"""Fixtures for scenario tests: build the whole app on loopback, configured per test."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest

from bot.commercelayer import RetryPolicy
from bot.console.standin import SlackStandIn, start_standin
from bot.logs import configure_logging, scrub
from bot.sandbox import Sandbox
from bot.server import build_runtime, start_server
from tests.conftest import FAST_RETRY
from tests.slack.harness import ACK_DEADLINE, BOT_TOKEN, SIGNING_SECRET, Harness, scenario_settings

MakeHarness = Callable[..., Coroutine[Any, Any, Harness]]


@pytest.fixture
def log_stream() -> io.StringIO:
    """Everything the app logs during the test, as the JSON lines it would print."""
    stream = io.StringIO()
    configure_logging(level=logging.DEBUG, stream=stream)
    scrub.add([BOT_TOKEN, SIGNING_SECRET])
    return stream


@pytest.fixture
async def make_harness(sandbox: Sandbox, sandbox_url: str, log_stream: io.StringIO) -> AsyncIterator[MakeHarness]:
    stops: list[Callable[[], Coroutine[Any, Any, None]]] = []
    harnesses: list[Harness] = []

    async def make(
        *, usergroups: dict[str, list[str]] | None = None, retry: RetryPolicy = FAST_RETRY, **settings: Any
    ) -> Harness:
        standin = SlackStandIn(bot_token=BOT_TOKEN, usergroups=usergroups or {})
        standin_server = await start_standin(standin)
        stops.append(standin_server.stop)
        runtime = build_runtime(scenario_settings(sandbox_url, standin_server.api_url, **settings), retry=retry)
        server = await start_server(runtime)
        stops.append(server.stop)
        http = httpx.AsyncClient(timeout=10)
        stops.append(http.aclose)
        harness = Harness(server.url, http, standin, sandbox, runtime)
        harnesses.append(harness)
        return harness

    yield make
    for stop in reversed(stops):
        await stop()
    # Slack's contract, checked for every request of every scenario: the acknowledgement is back
    # within 3 s, whatever Commerce Layer does after it.
    late = [reply for harness in harnesses for reply in harness.replies if reply.elapsed >= ACK_DEADLINE]
    assert late == [], f"acknowledged after Slack's 3 s deadline: {late}"


@pytest.fixture
async def slack(make_harness: MakeHarness) -> Harness:
    return await make_harness()
