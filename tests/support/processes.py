"""`python -m bot` (or the sandbox) as a child process: its environment, its log, and waiting until it answers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from bot.sandbox import DEMO

PYTHON = sys.executable
# The variables the bot reads its settings from.
_SETTINGS_PREFIXES = ("SLACK_", "CL_", "WALLET_", "PORT", "REDIS_", "WEB_CONCURRENCY")
# Short polls: a start-up time is the time to the first answer, to within this step.
_POLL_SECONDS = 0.005


def clean_env(settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the caller's own bot settings, then `settings`.

    A developer's SLACK_* / CL_* / WALLET_* variables must not change what a test or the bench runs.
    """
    kept = {key: value for key, value in os.environ.items() if not key.startswith(_SETTINGS_PREFIXES)}
    return {**kept, **(settings or {})}


def bot_env(
    *,
    slack_api_url: str,
    bot_token: str,
    sandbox_url: str,
    port: int | None = None,
    signing_secret: str | None = None,
    app_token: str | None = None,
    redis_url: str | None = None,
    workers: int | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The whole configuration of `python -m bot` against a Slack stand-in and the sandbox.

    Serving over HTTP takes `port` and `signing_secret`; Socket Mode takes `app_token`. Several
    processes share `redis_url` (REDIS_URL); `workers` is WEB_CONCURRENCY; `extra` sets any other
    setting (WALLET_SAVE_DEADLINE…).
    """
    settings = {
        "PORT": str(port) if port is not None else None,
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_APP_TOKEN": app_token,
        "SLACK_API_URL": slack_api_url,
        "CL_CLIENT_ID": DEMO.client_id,
        "CL_CLIENT_SECRET": DEMO.client_secret,
        "CL_AUTH_URL": sandbox_url,
        "CL_API_URL": sandbox_url,
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": str(workers) if workers is not None else None,
        **(extra or {}),
    }
    return clean_env({name: value for name, value in settings.items() if value is not None})


def spawn_python(args: Sequence[str], *, env: Mapping[str, str], cwd: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """`python <args>` with stdout and stderr appended to `log_path`.

    Run it in a directory with no `.env`, so that `env` is its whole configuration.
    """
    with log_path.open("ab") as log:
        return subprocess.Popen([PYTHON, *args], env=dict(env), cwd=cwd, stdout=log, stderr=subprocess.STDOUT)


@dataclass
class Child:
    """A spawned process that serves HTTP at `url` and writes its log to `log_path`."""

    name: str
    popen: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()

    def check_alive(self) -> None:
        code = self.popen.poll()
        if code is not None:
            tail = "\n".join(self.log_lines()[-20:])
            raise RuntimeError(f"{self.name} exited with {code}; the end of its log ({self.log_path}):\n{tail}")

    def terminate(self) -> None:
        self.popen.send_signal(signal.SIGTERM)

    async def exited(self, timeout: float) -> int | None:
        """The exit code, or None if still running after `timeout` (the loop keeps serving meanwhile)."""
        deadline = time.monotonic() + timeout
        while self.popen.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.popen.poll()

    async def stop(self, grace: float = 30.0) -> None:
        """SIGTERM, and SIGKILL if it has not exited within `grace` seconds."""
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self.popen.wait, grace)
        except subprocess.TimeoutExpired:
            await asyncio.to_thread(self.kill)

    def kill(self) -> None:
        """SIGKILL to it and to every process under it, as a platform stops a dyno or a container.

        Killing a WEB_CONCURRENCY parent alone leaves its workers serving on the port, for ever.
        """
        try:
            family = psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            family = []
        self.popen.kill()
        for process in family:
            with contextlib.suppress(psutil.Error):
                process.kill()
        self.popen.wait(10)


async def wait_until_answering(child: Child, path: str = "/healthz", timeout: float = 20.0) -> None:
    """Until GET `path` answers 200; RuntimeError with its log if the child exits first."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=1.0) as http:
        while True:
            child.check_alive()
            try:
                if (await http.get(child.url + path)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{child.name} did not answer {path} within {timeout} s; its log: {child.log_path}")
            await asyncio.sleep(_POLL_SECONDS)
