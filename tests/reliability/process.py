"""`python -m bot serve` as a real subprocess, configured through environment variables, driven
by signed requests from the test process, which also hosts the sandbox and the Slack stand-in."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx

from bot.sandbox import Sandbox, start_sandbox
from bot.server import Runtime
from bot.standin import SlackStandIn, start_standin
from tests.reliability.secrets_watch import WATCH
from tests.support import Child, bot_env, free_port, spawn_python, wait_until_answering
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, Harness


@dataclass
class BotProcess(Child):
    http: httpx.AsyncClient

    async def in_flight(self) -> int:
        answer = await self.http.get(self.url + "/healthz")
        return int(answer.json()["in_flight"])

    async def settle(self, standin: SlackStandIn, timeout: float = 60.0) -> None:
        """Until the bot reports no work in flight and Slack heard nothing for a moment."""
        deadline = time.monotonic() + timeout
        while await self.in_flight() > 0:
            assert time.monotonic() < deadline, "the bot's work did not finish"
            await asyncio.sleep(0.05)
        await standin.wait_quiet(0.1)


@asynccontextmanager
async def bot_process(sandbox: Sandbox, workdir: Path) -> AsyncIterator[tuple[BotProcess, Harness]]:
    """A sandbox and a stand-in here, the bot in a child process; yields it and a request harness.

    On the way out the child is stopped if still running, and its log and what it sent to Slack
    go through the suite's secrets check.
    """
    WATCH.watch_sandbox(sandbox)
    sandbox_server = await start_sandbox(sandbox, host="127.0.0.1", port=0)
    standin = SlackStandIn(bot_token=BOT_TOKEN)
    standin_server = await start_standin(standin)
    port = free_port()
    env = bot_env(
        port=port,
        slack_api_url=standin_server.api_url,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        sandbox_url=sandbox_server.url,
    )
    log_path = workdir / "bot.log"
    # cwd is an empty directory, so that no .env of the developer's is read.
    popen = spawn_python(["-m", "bot", "serve"], env=env, cwd=workdir, log_path=log_path)
    http = httpx.AsyncClient(timeout=30)
    process = BotProcess("the bot", popen, f"http://127.0.0.1:{port}", log_path, http)
    try:
        await wait_until_answering(process, "/healthz", 20.0)
        # The harness signs and posts; its runtime is in the child process, so `settle` is the
        # process's own (BotProcess.settle), never Harness.settle.
        harness = Harness(process.url, http, standin, sandbox, cast(Runtime, None))
        yield process, harness
    finally:
        if popen.poll() is None:
            await asyncio.to_thread(process.kill)
        await http.aclose()
        await standin_server.stop()
        await sandbox_server.stop()
        leaks = WATCH.scan("log lines", process.log_lines())
        leaks += WATCH.scan("Slack stand-in request bodies", [c.body for c in standin.calls])
        assert leaks == [], leaks[:3]


def final_for(standin: SlackStandIn, number: str) -> str:
    """The last message the user saw about order #number (the "Saving…" step does not count)."""
    said: list[Any] = [m for m in standin.messages if f"#{number}" in m.text and not m.text.startswith(":hourglass")]
    return str(said[-1].text) if said else ""
