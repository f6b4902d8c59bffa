"""`python -m bench.ab OTHER_TREE [--rounds N] [--bursts N] [--pin]`: this tree's server against another tree's.

A figure of docs/performance.md is only comparable with one taken on the same machine in the same
state: the machines these runs get differ, and so does what else runs on them. To tell a change of
the code from a change of the machine, this runs the same bursts against the server of this tree and
the server of OTHER_TREE (a `git worktree add` of an older commit), in turns, each with a fresh
sandbox, on this environment's dependencies and the same sandbox and Slack side. It prints a table;
what it showed goes into docs/findings.md by hand.

One server's bursts scatter more than two trees differ: `--bursts` runs several of each per server
started, and `--pin` keeps the server alone on one CPU (the sandbox, the Slack stand-in and the
bench on the others), so that what the rest of the bench does falls on neither tree's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.driver import BOT_TOKEN, SIGNING_SECRET, SandboxControl, Slack, TimedStandIn
from bench.procs import SlackSide, compile_bytecode, start_sandbox, start_server
from bench.scenarios import Bench, Flow, Run
from bench.stats import median, percentile
from bot.standin import start_standin

BURST = 200
LATENCY = 0.5


@dataclass
class Samples:
    """One tree's figures, one value per round."""

    by_figure: dict[str, list[float]] = field(default_factory=dict)

    def add(self, figure: str, value: float) -> None:
        self.by_figure.setdefault(figure, []).append(value)


FIGURES: dict[str, Callable[[Flow], float]] = {
    "ack p50 (ms)": lambda flow: percentile(flow.acks, 50) * 1000,
    "ack p99 (ms)": lambda flow: percentile(flow.acks, 99) * 1000,
    "saves per second": lambda flow: flow.saves_per_second,
}


@dataclass(frozen=True)
class Plan:
    """What the command line asked for; its defaults are argparse's alone."""

    rounds: int
    bursts: int  # of each kind, per server started
    cpus: tuple[int, ...]  # with --pin: the CPUs the bench may use, the last one the server's; else empty


def pin_apart(cpus: tuple[int, ...], server_pid: int, others: Sequence[int]) -> None:
    """The server alone on the last CPU, every other process of the bench on the rest."""
    os.sched_setaffinity(server_pid, {cpus[-1]})
    for pid in others:
        os.sched_setaffinity(pid, set(cpus[:-1]))


async def one_round(source: Path | None, into: Samples, plan: Plan) -> None:
    standin = TimedStandIn()
    standin_server = await start_standin(standin)
    with tempfile.TemporaryDirectory(prefix="wallet-ab-") as logs:
        sandbox = await start_sandbox(LATENCY, Path(logs))
        control = SandboxControl(sandbox.url)
        side = SlackSide(BOT_TOKEN, SIGNING_SECRET, standin_server.api_url)
        server, _ = await start_server(sandbox.url, side, Path(logs), source=source)
        slack = Slack(server.url, standin)
        if plan.cpus:
            pin_apart(plan.cpus, server.pid, [os.getpid(), sandbox.pid])
        try:
            bench = Bench(slack, control, server, Run())
            await bench.confirm_flow(1)  # warm-up: the token, Bolt's auth.test
            await bench.modal_flow(1)
            for name in ("confirm", "modal") * plan.bursts:
                cpu_before = server.cpu_seconds()
                flow = await (bench.confirm_flow(BURST) if name == "confirm" else bench.modal_flow(BURST))
                into.add(f"{name}: server CPU per burst (s)", server.cpu_seconds() - cpu_before)
                for figure, measure in FIGURES.items():
                    into.add(f"{name}: {figure}", measure(flow))
                if name == "confirm":
                    into.add("command: ack p99 (ms)", percentile(flow.command_acks, 99) * 1000)
        finally:
            await slack.aclose()
            await server.stop()
            await control.aclose()
            await sandbox.stop()
            await standin_server.stop()


def table(other: Path, this: Samples, that: Samples) -> str:
    lines = [
        f"| Figure ({BURST} at once, CL {LATENCY * 1000:.0f} ms), median of bursts | this tree | {other} |",
        "|---|---|---|",
    ]
    for figure, values in this.by_figure.items():
        lines.append(f"| {figure} | {median(values):.2f} | {median(that.by_figure.get(figure, [])):.2f} |")
    return "\n".join(lines)


async def _main(other: Path, plan: Plan) -> None:
    this, that = Samples(), Samples()
    for index in range(plan.rounds):
        # Turns, so that whatever the machine does meanwhile falls on both trees alike.
        for source, into in ((None, this), (other, that)) if index % 2 == 0 else ((other, that), (None, this)):
            await one_round(source, into, plan)
        print(f"round {index + 1} of {plan.rounds} done", flush=True)
    print(table(other, this, that))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("other", type=Path, help="another source tree, e.g. a git worktree of an older commit")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both trees (default 3)")
    parser.add_argument("--bursts", type=int, default=1, help="bursts of each kind per server started (default 1)")
    parser.add_argument("--pin", action="store_true", help="the server alone on one CPU, the rest on the others")
    args = parser.parse_args(argv)
    other = args.other.resolve()
    cpus = tuple(sorted(os.sched_getaffinity(0))) if args.pin else ()
    if args.pin and len(cpus) < 2:
        parser.error("--pin needs at least 2 CPUs")
    compile_bytecode(other)
    asyncio.run(_main(other, Plan(args.rounds, args.bursts, cpus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
