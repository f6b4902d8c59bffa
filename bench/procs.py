"""The processes under measure: the sandbox and the real server (`python -m bot`), each its own
subprocess, so that their CPU, memory and start-up are theirs alone."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import psutil

from bot.sandbox import DEMO

PYTHON = sys.executable
# Settings the server reads; the bench sets them all, and passes none of the caller's through,
# so that a developer's own SLACK_* / CL_* / WALLET_* variables can't change what is measured.
_OWNED_PREFIXES = ("SLACK_", "CL_", "WALLET_", "PORT")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    url: str
    log_path: Path
    log_file: IO[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def rss_mb(self) -> float:
        rss: int = psutil.Process(self.pid).memory_info().rss
        return rss / (1024 * 1024)

    def cpu_seconds(self) -> float:
        times: Any = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)

    async def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.popen.wait, 30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                await asyncio.to_thread(self.popen.wait)
        self.log_file.close()

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}; its log: {self.log_path}")


def _spawn(
    name: str, args: list[str], env: dict[str, str], log_dir: Path, cwd: Path
) -> tuple[subprocess.Popen[bytes], Path, IO[bytes]]:
    log_path = log_dir / f"{name}.log"
    log_file = log_path.open("ab")
    popen = subprocess.Popen(  # noqa: S603 -- our own interpreter and module, no shell
        [PYTHON, *args], env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT
    )
    return popen, log_path, log_file


async def _wait_until_up(proc: Proc, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=1.0) as http:
        while True:
            proc.check_alive()
            try:
                if (await http.get(proc.url + path)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{proc.name} did not answer {path} within {timeout} s; its log: {proc.log_path}")
            # Short polls: the start-up figure is the time to the first 200, to within this step.
            await asyncio.sleep(0.005)


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(_OWNED_PREFIXES)}


async def start_sandbox(latency: float, log_dir: Path) -> Proc:
    port = free_port()
    args = ["-m", "bot", "sandbox", "--port", str(port), "--latency", str(latency)]
    popen, log_path, log_file = _spawn("sandbox", args, _clean_env(), log_dir, log_dir)
    proc = Proc("sandbox", popen, f"http://127.0.0.1:{port}", log_path, log_file)
    await _wait_until_up(proc, "/_sandbox/stats", 20.0)
    return proc


@dataclass(frozen=True)
class SlackSide:
    bot_token: str
    signing_secret: str
    api_url: str


async def start_server(
    sandbox_url: str, slack: SlackSide, log_dir: Path, profile: Path | None = None
) -> tuple[Proc, float]:
    """`python -m bot` as a PaaS runs it; returns it and the seconds from spawn to the first 200 on /healthz.

    With `profile`, the server runs under cProfile and writes its stats there when it stops
    (its figures are then slower and only good for finding where the time goes)."""
    port = free_port()
    env = {
        **_clean_env(),
        "PORT": str(port),
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": slack.api_url,
        "CL_CLIENT_ID": DEMO.client_id,
        "CL_CLIENT_SECRET": DEMO.client_secret,
        "CL_AUTH_URL": sandbox_url,
        "CL_API_URL": sandbox_url,
    }
    started = time.perf_counter()
    # cwd is the log directory: no `.env` there, so the environment above is the whole configuration.
    args = ["-m", "bot"] if profile is None else ["-m", "cProfile", "-o", str(profile), "-m", "bot"]
    popen, log_path, log_file = _spawn("server", args, env, log_dir, log_dir)
    proc = Proc("server", popen, f"http://127.0.0.1:{port}", log_path, log_file)
    await _wait_until_up(proc, "/healthz", 30.0)
    return proc, time.perf_counter() - started
