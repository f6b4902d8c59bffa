"""The scenario fixtures: the whole app on loopback, configured per test, driven as Slack drives it.

tests/conftest.py loads this module as a plugin, so that every test can ask for them:
    scenario      a Harness with the default settings
    make_harness  builds Harnesses with the settings a test gives
    log_stream    everything the app logs during the test
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest

from bot.commercelayer import RetryPolicy
from bot.logs import configure_logging, scrub
from bot.sandbox import Sandbox
from tests.conftest import FAST_RETRY
from tests.support.harness import ACK_DEADLINE, BOT_TOKEN, SIGNING_SECRET, Harness, Stop, start_harness

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
    stops: list[Stop] = []
    harnesses: list[Harness] = []

    async def make(
        *, usergroups: dict[str, list[str]] | None = None, retry: RetryPolicy = FAST_RETRY, **settings: Any
    ) -> Harness:
        harness = await start_harness(sandbox, sandbox_url, stops, usergroups=usergroups, retry=retry, **settings)
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
async def scenario(make_harness: MakeHarness) -> Harness:
    """The app with its default settings: no allow-list, the sandbox in test mode."""
    return await make_harness()
