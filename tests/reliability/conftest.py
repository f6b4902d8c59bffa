"""The reliability suite's fixtures: whole-app rigs on loopback, the figures, and the report.

`make reliability` runs this directory with the slow part selected and sets
WALLET_RELIABILITY_REPORT, so the session's end writes docs/reliability.md; `make test` runs only
the fast part and leaves the report alone.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from bot.commercelayer import RetryPolicy
from bot.logs import configure_logging, scrub
from bot.sandbox import DEMO, Sandbox, start_sandbox
from tests.conftest import FAST_RETRY
from tests.reliability import figures
from tests.reliability.figures import FIGURES
from tests.reliability.secrets_watch import WATCH
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, Harness, Stop, start_harness

REPORT_ENV = "WALLET_RELIABILITY_REPORT"
MakeRig = Callable[..., Coroutine[Any, Any, Harness]]
_started = time.monotonic()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("reliability") is not None:
        FIGURES.slow_ran = True


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get(REPORT_ENV)
    if not target or not FIGURES.slow_ran:
        return
    outcome = "passed" if exitstatus == 0 else f"failed (exit status {exitstatus})"
    figures.write(FIGURES, Path(target), outcome=outcome, seconds=time.monotonic() - _started)


@pytest.fixture(scope="session")
def collected() -> figures.Figures:
    return FIGURES


@pytest.fixture
async def make_rig() -> AsyncIterator[MakeRig]:
    """Builds the whole app against a fresh sandbox (or the one given) and a Slack stand-in.

    On teardown, everything the app logged and sent to Slack, and every acknowledgement body, is
    searched for secrets: the suite-wide secrets check.
    """
    stream = io.StringIO()
    configure_logging(level=logging.DEBUG, stream=stream)
    # What `python -m bot serve` registers with the log scrubber at start-up.
    scrub.add([BOT_TOKEN, SIGNING_SECRET, DEMO.client_secret])
    stops: list[Stop] = []
    rigs: list[Harness] = []

    async def make(
        *,
        sandbox: Sandbox | None = None,
        retry: RetryPolicy = FAST_RETRY,
        usergroups: dict[str, list[str]] | None = None,
        **settings: Any,
    ) -> Harness:
        sandbox = sandbox if sandbox is not None else Sandbox()
        WATCH.watch_sandbox(sandbox)
        sandbox_server = await start_sandbox(sandbox, host="127.0.0.1", port=0)
        stops.append(sandbox_server.stop)
        rig = await start_harness(sandbox, sandbox_server.url, stops, usergroups=usergroups, retry=retry, **settings)
        rigs.append(rig)
        return rig

    yield make
    for stop in reversed(stops):
        await stop()
    leaks = WATCH.scan("log lines", stream.getvalue().splitlines())
    leaks += WATCH.scan("Slack stand-in request bodies", [c.body for rig in rigs for c in rig.standin.calls])
    leaks += WATCH.scan("acknowledgement bodies", [r.body for rig in rigs for r in rig.replies])
    assert leaks == []
