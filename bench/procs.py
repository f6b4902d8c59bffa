"""The processes under measure: the sandbox and the real server (`python -m bot`), each its own
subprocess, so that their CPU, memory and start-up are theirs alone."""

from __future__ import annotations

import compileall
import os
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from tests.support import Child, bot_env, clean_env, free_port, spawn_python, wait_until_answering

ROOT = str(Path(__file__).resolve().parent.parent)


def compile_bytecode(*trees: Path) -> None:
    """Write the bytecode of the bot's trees and of every installed package, as a PaaS build does.

    The start-up figure is that of a process whose imports read cached bytecode. Where the
    environment sets PYTHONDONTWRITEBYTECODE, nothing else writes it, and every server the bench
    starts would compile each module it imports again. compileall writes it whatever that setting;
    files already compiled are skipped.
    """
    sources = [tree / part for tree in (Path(ROOT), *trees) for part in ("bot", "commands")]
    for directory in [*sources, Path(sysconfig.get_paths()["purelib"])]:
        compileall.compile_dir(directory, quiet=1, workers=0)


class Proc(Child):
    """A child process whose resident memory and CPU time the bench reads."""

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def connections(self) -> dict[int, int]:
        """Client connections to its port that each of its processes holds open: by pid, the process
        itself, or its workers (WEB_CONCURRENCY)."""
        held: dict[int, int] = {}
        for process in [psutil.Process(self.pid), *psutil.Process(self.pid).children()]:
            try:
                conns = process.net_connections(kind="tcp")
            except psutil.Error:
                continue
            count = sum(
                1 for c in conns if c.laddr and c.laddr.port == self.port and c.raddr and c.status == "ESTABLISHED"
            )
            if count:
                held[process.pid] = count
        return held

    def rss_mb(self) -> float:
        rss: int = psutil.Process(self.pid).memory_info().rss
        return rss / (1024 * 1024)

    def cpu_seconds(self) -> float:
        times: Any = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)


def _start(name: str, args: list[str], env: dict[str, str], port: int, log_dir: Path) -> Proc:
    # cwd is the log directory: no `.env` there, so `env` is the whole configuration.
    log_path = log_dir / f"{name}.log"
    popen = spawn_python(args, env=env, cwd=log_dir, log_path=log_path)
    return Proc(name, popen, f"http://127.0.0.1:{port}", log_path)


async def start_sandbox(latency: float, log_dir: Path) -> Proc:
    port = free_port()
    args = ["-m", "bot", "sandbox", "--port", str(port), "--latency", str(latency)]
    proc = _start("sandbox", args, clean_env(), port, log_dir)
    await wait_until_answering(proc, "/_sandbox/stats", 20.0)
    return proc


@dataclass(frozen=True)
class SlackSide:
    bot_token: str
    signing_secret: str
    api_url: str


async def start_server(
    sandbox_url: str,
    slack: SlackSide,
    log_dir: Path,
    profile: Path | None = None,
    *,
    name: str = "server",
    redis_url: str | None = None,
    workers: int | None = None,
    source: Path | None = None,
) -> tuple[Proc, float]:
    """`python -m bot` as a PaaS runs it; returns it and the seconds from spawn to the first 200 on /healthz.

    With `profile`, the server runs under cProfile and writes its stats there when it stops
    (its figures are then slower and only good for finding where the time goes). `redis_url` is its
    REDIS_URL, `workers` its WEB_CONCURRENCY. `source` runs the bot of another source tree (a git
    worktree of another commit, bench/ab.py) on this environment's dependencies."""
    port = free_port()
    env = bot_env(
        port=port,
        slack_api_url=slack.api_url,
        bot_token=slack.bot_token,
        signing_secret=slack.signing_secret,
        sandbox_url=sandbox_url,
        redis_url=redis_url,
        workers=workers,
        extra={"PYTHONPATH": str(source)} if source is not None else None,
    )
    started = time.perf_counter()
    args = ["-m", "bot"] if profile is None else ["-m", "cProfile", "-o", str(profile), "-m", "bot"]
    proc = _start(name, args, env, port, log_dir)
    await wait_until_answering(proc, "/healthz", 30.0)
    return proc, time.perf_counter() - started


async def start_proxy(backends: list[Proc], log_dir: Path) -> Proc:
    """bench/proxy.py in its own process: one port, each new connection to the next backend in turn."""
    port = free_port()
    args = ["-m", "bench.proxy", "--port", str(port), *(backend.url for backend in backends)]
    # The bench's own code, importable from the project's root (the child runs in the log directory).
    path = os.pathsep.join(part for part in (ROOT, os.environ.get("PYTHONPATH", "")) if part)
    proc = _start("proxy", args, clean_env({"PYTHONPATH": path}), port, log_dir)
    await wait_until_answering(proc, "/healthz", 20.0)
    return proc
