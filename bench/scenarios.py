"""One run of the suite: a fresh sandbox and server, every scenario, the raw samples of each."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.baseline import PlainSaver
from bench.bulk import BulkBatch, bulk_batches
from bench.driver import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Post,
    SandboxControl,
    Sent,
    Slack,
    TimedStandIn,
    confirm_value,
)
from bench.procs import Proc, SlackSide, start_sandbox, start_server
from bench.scaleout import ScaleOut, scale_out
from bot.standin import start_standin

PM = "pm_card_visa"
TOKEN_ROUTE = "POST /oauth/token"
WAIT = 120.0  # seconds a result may take before the run is declared broken


@dataclass(frozen=True)
class Config:
    latency: float = 0.5
    alone: int = 6  # one-at-a-time saves per flow per run
    concurrency: tuple[int, ...] = (50, 200)
    views_open_at_once: int = 50
    profile: Path | None = None  # cProfile output of the server, for finding a missed target's cause
    scaleout: bool = True  # the scale-out figures (bench/scaleout.py)
    lock_saves: int = 20  # saves one at a time, without and with REDIS_URL, for the lock's cost
    monitored_saves: int = 3  # saves whose Redis commands are read one by one (MONITOR)
    bulk: tuple[int, ...] = (100, 300)  # rows of the bulk saves at the test-mode rate limits (bench/bulk.py)


@dataclass
class Flow:
    """What one burst of one flow measured."""

    acks: list[float] = field(default_factory=list)  # the flow's own requests (Confirm, submission)
    command_acks: list[float] = field(default_factory=list)  # `/wallet save <order> <pm_…>` (Confirm flow)
    e2e: list[float] = field(default_factory=list)  # request sent -> result posted to its response_url
    span: float = 0.0  # first request sent -> last result posted
    saved: int = 0
    failed: int = 0
    cl_requests: Counter[str] = field(default_factory=Counter)  # by route, token requests left out

    @property
    def saves_per_second(self) -> float:
        return self.saved / self.span if self.span else 0.0


@dataclass
class Run:
    startup: float = 0.0
    rss_start: float = 0.0
    rss_after: float = 0.0
    server_cpu: float = 0.0
    sandbox_cpu: float = 0.0
    driver_cpu: float = 0.0  # this process: Slack's side and the stand-in; on 2 cores it competes
    flows: dict[str, Flow] = field(default_factory=dict)  # "confirm@1", "modal@200"...
    views_open: list[float] = field(default_factory=list)
    token_requests: int = 0
    duration: float = 0.0
    baseline_alone: list[float] = field(default_factory=list)
    baseline_burst: list[float] = field(default_factory=list)
    baseline_span: float = 0.0
    errors: list[str] = field(default_factory=list)
    scaleout: ScaleOut | None = None
    bulk: list[BulkBatch] = field(default_factory=list)


class Bench:
    def __init__(self, slack: Slack, control: SandboxControl, server: Proc, run: Run) -> None:
        self.slack = slack
        self.control = control
        self.server = server
        self.run = run

    async def counted(self) -> Counter[str]:
        """Commerce Layer requests since the last call, by route; token requests are tallied apart."""
        stats = await self.control.stats()
        await self.control.reset_requests()
        routes: Counter[str] = Counter(stats.get("by_route") or {})
        self.run.token_requests += routes.pop(TOKEN_ROUTE, 0)
        return routes

    async def confirm_flow(self, count: int) -> Flow:
        """`/wallet save <order> <pm_…>` for `count` orders at once, then Confirm on every preview at once."""
        flow = Flow()
        orders = await self.control.orders(count)
        commands = await self.slack.burst([self.slack.command(f"save {order['number']} {PM}") for order in orders])
        flow.command_acks = self._acks(commands, "command")
        previews = await asyncio.gather(
            *(self.slack.standin.wait_post(_url(sent), _is_preview, WAIT) for sent in commands)
        )
        await self.slack.idle()
        await self.counted()
        presses = []
        for sent, preview in zip(commands, previews, strict=True):
            value = confirm_value(preview.args.get("blocks") or [])
            assert value is not None
            presses.append(self.slack.confirm(value, _url(sent)))
        confirms = await self.slack.burst(presses)
        flow.acks = self._acks(confirms, "confirm")
        await self._results(flow, confirms)
        return flow

    async def modal_flow(self, count: int) -> Flow:
        """The save modal submitted for `count` orders at once."""
        flow = Flow()
        orders = await self.control.orders(count)
        await self.counted()
        submissions = await self.slack.burst([self.slack.submit_card(str(order["id"]), PM) for order in orders])
        flow.acks = self._acks(submissions, "submission")
        for sent in submissions:
            answer = sent.json() if sent.status == 200 else None
            if not isinstance(answer, dict) or answer.get("response_action") != "update":
                self.run.errors.append(f"submission answered {sent.status} {sent.text[:80]}")
        await self._results(flow, submissions)
        return flow

    async def views_open(self, count: int) -> list[float]:
        """`/wallet save <order>` `count` at once: how long until each trigger_id's views.open arrives."""
        commands = await self.slack.burst([self.slack.command("save 1001") for _ in range(count)])
        self._acks(commands, "command (modal)")
        deadline = time.monotonic() + WAIT
        while True:
            opened = self.slack.standin.views_open_at()
            waiting = [sent for sent in commands if sent.request.trigger_id not in opened]
            if not waiting:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(waiting)} views.open calls never arrived")
            await asyncio.sleep(0.01)
        await self.slack.idle()
        await self.counted()
        return [opened[str(sent.request.trigger_id)] - sent.started for sent in commands]

    async def _results(self, flow: Flow, sent: Sequence[Sent]) -> None:
        posts = await asyncio.gather(
            *(self.slack.standin.wait_post(_url(one), _result_after(one.started), WAIT) for one in sent)
        )
        for one, post in zip(sent, posts, strict=True):
            flow.e2e.append(post.at - one.started)
            if "saved to the wallet" in post.text:
                flow.saved += 1
            else:
                flow.failed += 1
                self.run.errors.append(f"save did not succeed: {post.text[:120]}")
        flow.span = max(post.at for post in posts) - min(one.started for one in sent)
        await self.slack.idle()
        flow.cl_requests = await self.counted()
        self.slack.standin.forget()

    def _acks(self, sent: Sequence[Sent], what: str) -> list[float]:
        for one in sent:
            if one.status != 200:
                self.run.errors.append(f"{what} answered {one.status}")
        return [one.latency for one in sent]


def _url(sent: Sent) -> str:
    assert sent.request.response_url is not None
    return sent.request.response_url


def _is_preview(post: Post) -> bool:
    return confirm_value(post.args.get("blocks") or []) is not None


def _result_after(started: float) -> Any:
    def accept(post: Post) -> bool:
        return post.at >= started and not post.is_interim and not _is_preview(post)

    return accept


async def one_run(config: Config, log_dir: Path, progress: Any) -> Run:
    run = Run()
    began = time.monotonic()
    driver_cpu_at_start = _own_cpu()
    standin = TimedStandIn()
    standin_server = await start_standin(standin)
    sandbox = await start_sandbox(config.latency, log_dir)
    control = SandboxControl(sandbox.url)
    server: Proc | None = None
    slack: Slack | None = None
    try:
        server, run.startup = await start_server(
            sandbox.url, SlackSide(BOT_TOKEN, SIGNING_SECRET, standin_server.api_url), log_dir, config.profile
        )
        run.rss_start = server.rss_mb()
        progress(f"server up in {run.startup:.2f} s, {run.rss_start:.0f} MB")
        slack = Slack(server.url, standin)
        bench = Bench(slack, control, server, run)
        # Warm-up, not measured: the first save fetches the token and Bolt's auth.test.
        await bench.confirm_flow(1)
        await bench.modal_flow(1)
        for name in ("confirm", "modal"):
            merged = Flow()
            for _ in range(config.alone):
                one = await (bench.confirm_flow(1) if name == "confirm" else bench.modal_flow(1))
                _merge(merged, one)
            run.flows[f"{name}@1"] = merged
            progress(f"{name} alone: e2e {_ms(merged.e2e)}")
        for count in config.concurrency:
            for name in ("confirm", "modal"):
                flow = await (bench.confirm_flow(count) if name == "confirm" else bench.modal_flow(count))
                run.flows[f"{name}@{count}"] = flow
                progress(
                    f"{name} {count} at once: ack p99 {max(flow.acks) * 1000:.0f} ms, "
                    f"{flow.saves_per_second:.0f} saves/s, {flow.saved} saved"
                )
        run.views_open = await bench.views_open(config.views_open_at_once)
        run.rss_after = server.rss_mb()
        run.server_cpu = server.cpu_seconds()
        run.sandbox_cpu = sandbox.cpu_seconds()
        run.driver_cpu = _own_cpu() - driver_cpu_at_start
        await bench.counted()
        run.duration = time.monotonic() - began
        await _baseline(run, sandbox.url, control, config)
        progress(f"baseline alone {_ms(run.baseline_alone)}, 200 at once in {run.baseline_span:.2f} s")
        if config.scaleout:
            # After every figure above, with servers of its own: those figures stay one process's, without Redis.
            await server.stop()

            async def run_flow(slack: Slack, on: Proc, what: Literal["alone", "burst"]) -> Flow:
                # A run of its own, so that the token and error counts above stay the first server's.
                apart = Run()
                bench = Bench(slack, control, on, apart)
                if what == "burst":
                    await bench.confirm_flow(1)  # warm-up, not measured
                flow = await bench.confirm_flow(1 if what == "alone" else max(config.concurrency))
                run.errors += [f"scale-out: {error}" for error in apart.errors]
                return flow

            run.scaleout = await scale_out(
                run_flow, config, standin_server.api_url, standin, sandbox.url, control, log_dir, progress
            )
        # Last, with processes of their own: the rate limits must not slow the figures above.
        run.bulk = await bulk_batches(config.bulk, config.latency, log_dir, progress)
    finally:
        if slack is not None:
            await slack.aclose()
        if server is not None:
            await server.stop()
        await control.aclose()
        await sandbox.stop()
        await standin_server.stop()
    return run


async def _baseline(run: Run, url: str, control: SandboxControl, config: Config) -> None:
    saver = PlainSaver(url)
    try:
        await saver.login()
        orders = await control.orders(config.alone + max(config.concurrency))
        for order in orders[: config.alone]:
            run.baseline_alone.append((await saver.save(str(order["id"]), PM)).seconds)
        burst = orders[config.alone :]
        await saver.warm(len(burst))
        timed = await asyncio.gather(*(saver.save(str(order["id"]), PM, i) for i, order in enumerate(burst)))
        run.baseline_burst = [one.seconds for one in timed]
        run.baseline_span = max(one.finished for one in timed) - min(one.started for one in timed)
    finally:
        await saver.aclose()


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _merge(into: Flow, one: Flow) -> None:
    into.acks += one.acks
    into.command_acks += one.command_acks
    into.e2e += one.e2e
    into.saved += one.saved
    into.failed += one.failed
    into.span += one.span
    into.cl_requests += one.cl_requests


def _ms(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"{sorted(values)[len(values) // 2] * 1000:.0f} ms"
