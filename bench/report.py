"""The figures of issue 5, each beside its target, as docs/performance.md and docs/performance.json."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.scenarios import Config, Flow, Run
from bench.stats import median, percentile, spread

DOCS = Path(__file__).resolve().parent.parent / "docs"
NEEDED_REQUESTS = 3  # read, create, wallet save: the floor of a save is their latencies added up
TOKEN_LIFETIME = 7200.0  # the sandbox's default, as Commerce Layer's integration tokens

# What profiling found, shown beside each figure. The suite writes the numbers; these lines are
# what a person learned from them, kept here so that every run's report carries them.
_ACK = (
    "Was 246–350 ms. Found and fixed, in turn: Bolt sends an acknowledgement only when its request handler next "
    "polls for it (every 10 ms), and each listener went straight on into its slow work: listeners step aside "
    "12 ms after ack() (commands/listener.py `acknowledge`); that gave about 95–185 ms. The answers still waited "
    "behind the follow-up work of the requests answered before them: work after an ack now waits until every "
    "request already received has its answer, 250 ms at most (bot/work.py `after_answers`). Per request, h11 "
    "parsing was a third of the CPU (uvicorn now runs httptools) and stdlib logging looked up the caller's file "
    "and line for every record (now off). Full garbage-collector passes of 25–50 ms landed in some bursts and "
    "made the p99 jump between about 90 and 145 ms: objects built at start-up are now frozen out of the "
    "collector (gc.freeze, bot/__main__.py). Bolt tries listeners in the order they were registered, about "
    "15 µs a miss, and a modal submission came sixth: the save flow's listeners now come first (modal p99 "
    "96–104 → 84–87 ms, the command's 58–64 → 66–73 ms). uvloop was tried: within the run-to-run spread."
)
_RATE = (
    "Was 21–24/s: the 50-connection cap queued 600 requests, and httpcore's pool does bookkeeping quadratic in "
    "its connections on every request (one pool of 512 was worse: 32 s of CPU). 16 pools of 32 and sniffio "
    "(httpcore's failing `import sniffio` rescanned sys.path for every lock) gave about 85–96/s; gc.freeze and "
    "a save that no longer waits on Slack's answer to its progress message, about 97–102/s. What was left was "
    "still httpcore: its pool polls every idle connection's socket through anyio on each request's start and "
    "end, and anyio's streams and locks add checkpoints of their own, a third of the server's CPU. The client "
    "now sends through httpx-aiohttp (httpx's API on aiohttp's connector): about 0.7 s of CPU per 200 saves "
    "instead of 1.0 s."
)
_FLOOR = (
    "Was 4.7–5.4 before the first pool fix, then 1.29–1.36. The save waited on Slack's answer to its progress "
    "message before its first Commerce Layer request, and the modal's two result messages went one after the "
    "other: both now overlap. gc.freeze shortened the collector's pauses, and aiohttp's connection pool "
    "(httpx-aiohttp) cut the CPU each Commerce Layer request costs by about a third."
)
FINDINGS: dict[str, str] = {
    "ack.command.200.p99": _ACK,
    "ack.confirm.200.p99": _ACK,
    "ack.modal.200.p99": _ACK,
    "saves_per_second.confirm": _RATE,
    "saves_per_second.modal": _RATE,
    "e2e_ratio.confirm.200": _FLOOR,
    "e2e_ratio.modal.200": _FLOOR,
    "views_open.p99": "views.open is the first thing after the ack, before any Commerce Layer request.",
    "cl_requests.confirm": "Read (with includes), create, wallet save; the token is cached and shared.",
    "cl_requests.modal": "Read (with includes), create, wallet save; the token is cached and shared.",
    "token_requests": "One fetch per process; concurrent callers wait on it.",
    "startup": "One TLS context for the Commerce Layer client (16 pools once loaded the CA bundle 18 ms apiece).",
}


NOTES = [
    "## How it is measured",
    "",
    "- Acknowledgement latency: from this process sending a signed request to its HTTP answer, over warm "
    "keep-alive connections (one per request at once, as Slack's many senders).",
    "- End-to-end save: from sending the Confirm (or the modal submission) to the result's post to the "
    "response_url arriving at the stand-in. The floor is the save's three Commerce Layer latencies added up.",
    "- Saves per second: saves completed over the time from the first request sent to the last result.",
    "- Baseline: the same three requests with a plain httpx script, one connection per save in flight.",
    "- Bursts are written and read on raw HTTP/1.1 keep-alive connections, one per request at once: with httpx "
    "this process spent about 0.5 ms of CPU per request (and one shared httpx pool of 200 connections 12 s "
    "per 600 requests), which would have measured the bench, not the bot.",
    "- `python -m bench --profile FILE` runs the server under cProfile; that is how the first causes below were "
    "found. The later ones came from py-spy attached to the server (`py-spy record --format raw -p PID`), which "
    "samples without slowing it down.",
    "",
    "## What was found and fixed",
    "",
    "- The Commerce Layer client's single httpx pool (50 connections, 20 kept alive) queued 200 saves' "
    "requests and spent most of the server's CPU in httpcore's pool bookkeeping, which is quadratic in the "
    "number of connections. Raising the cap made it worse. 16 pools of 32 connections (same total bound, 512) "
    "took server CPU for a run from 11 s to about 5 s and saves per second at 200 from 21–24 to about 85–90.",
    "- Even in small pools, httpcore polled every idle connection's socket through anyio on each request's start "
    "and end, and anyio's streams and locks added checkpoints: a third of the server's CPU with 200 saves in "
    "flight. The client now keeps httpx's API on httpx-aiohttp's transport (aiohttp's connector, 512 "
    "connections): CPU per 200 saves fell from about 1.0 s to 0.7 s and saves per second rose about 8%. That "
    'transport reports any lost connection as httpx.ConnectTimeout, so the client judges "never sent" (safe '
    "to repeat a create) by the aiohttp exception underneath; a test holds it.",
    "- httpcore imports `sniffio` on every lock it creates; the package was not installed, so every attempt "
    "rescanned sys.path (about 2 s of CPU per 200 saves). Now a dependency.",
    "- Acknowledgements waited for the follow-up work of earlier requests (Bolt polls for an ack every 10 ms): "
    "listeners now step aside briefly after ack(); p99 at 200 at once fell from 246–350 ms to about 105–180 ms. "
    "Then work after an ack waits until every request already received has been answered (250 ms at most): "
    "modal submissions' p99 at 200 fell from 120–230 ms to about 85–95 ms.",
    "- uvicorn's h11 parser was a third of the CPU of a request that is only acknowledged: httptools, uvicorn's "
    "C parser, took a burst of 200 such requests from 124 to 94 ms of CPU. Each log record also had stdlib "
    "logging walk the stack for the caller's file and line, which no line shows; that lookup is now off.",
    "- Bolt tries listeners in the order they were registered, rebuilding each one's arguments to ask whether "
    "it matches (about 15 µs a miss): a modal submission went past five listeners, a Confirm past six. The save "
    "flow's listeners are now registered first (commands/__init__.py); the command, whose acknowledgement is "
    "lightest, now goes past six.",
    "- Full passes of the cycle collector took 25–50 ms, about nine a run, most of it scanning the modules and "
    "objects built at start-up; one landing in a burst delayed every answer in flight. The server now runs "
    "gc.freeze() once started: passes take 6–28 ms and saves per second at 200 rose by about 5%. (Most of "
    "the cyclic garbage left comes from stamina/tenacity, about 47 objects per Commerce Layer request, and "
    "httpx's responses.)",
    "- A Confirm posted its progress message and waited for Slack's answer before its first Commerce Layer "
    "request, and the modal sent its two result messages one after the other: the progress post now runs beside "
    "the save and the two results go together; the 200-at-once floor ratio fell from 1.29–1.36 to about 1.25.",
    "- Bolt's `respond()` and slack_sdk's Web API client opened a new aiohttp session (and connection) for every "
    "post and call; they now share one session (bot/server.py, bot/responses.py). The change in CPU was within "
    "the run-to-run spread.",
    "- Three INFO log lines per save (one per Commerce Layer request) were the largest CPU cost the bot added "
    "to a save: successful requests now log at DEBUG; server CPU per run fell from about 4.6 s to 4.0 s and the "
    "200-at-once floor ratio to about 1.3.",
    "- Left alone: per request, the rest is spread thin over httpx's models, Bolt's dispatch, aiohttp for both "
    "services and the event loop itself. Retrying only after a first failure, rather than entering stamina's "
    "retry context for every request (26 µs and 47 objects of cyclic garbage each), is an idea not taken: it "
    "would re-implement part of the backoff that stamina owns.",
]


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    conditions: str
    unit: str  # "ms", "s", "ratio", "/s", "MB", "requests"
    runs: list[float]
    target: float | None  # None: reported, no target
    higher_is_better: bool = False
    target_text: str = ""

    @property
    def value(self) -> float:
        return median(self.runs)

    @property
    def met(self) -> bool | None:
        if self.target is None or math.isnan(self.value):
            return None
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


def _flow(run: Run, key: str) -> Flow:
    return run.flows.get(key) or Flow()


def _per_run(runs: Sequence[Run], measure: Callable[[Run], float]) -> list[float]:
    return [measure(run) for run in runs]


def _ms(values: Sequence[float], pct: float) -> float:
    return percentile(values, pct) * 1000


def _of_flow(key: str, measure: Callable[[Flow], float]) -> Callable[[Run], float]:
    """A per-run figure taken from one flow (e.g. "confirm@200"), bound now rather than in a loop's lambda."""

    def figure(run: Run) -> float:
        return measure(_flow(run, key))

    return figure


def _ack(samples: Callable[[Flow], list[float]], pct: float) -> Callable[[Flow], float]:
    return lambda flow: _ms(samples(flow), pct)


def figures(runs: Sequence[Run], config: Config) -> list[Figure]:
    floor = NEEDED_REQUESTS * config.latency
    out: list[Figure] = []
    top = max(config.concurrency)
    kinds: list[tuple[str, str, Callable[[Flow], list[float]], str]] = [
        ("command", "`/wallet save <order> <pm_…>`", lambda flow: flow.command_acks, "confirm"),
        ("confirm", "Confirm (block_actions)", lambda flow: flow.acks, "confirm"),
        ("modal", "Modal submission (view_submission)", lambda flow: flow.acks, "modal"),
    ]
    for kind, label, samples, flow_name in kinds:
        for count in (1, *config.concurrency):
            key = f"{flow_name}@{count}"
            for pct in (50, 99):
                out.append(
                    Figure(
                        f"ack.{kind}.{count}.p{pct}",
                        f"Ack latency p{pct}, {label}",
                        f"{count} at once, CL {config.latency * 1000:.0f} ms",
                        "ms",
                        _per_run(runs, _of_flow(key, _ack(samples, pct))),
                        100.0 if pct == 99 and count == top else None,
                        target_text="p99 ≤ 100 ms at 200 at once" if pct == 99 and count == top else "",
                    )
                )
    out.append(
        Figure(
            "views_open.p99",
            "`/wallet save <order>` → `views.open` p99",
            f"{config.views_open_at_once} at once",
            "ms",
            _per_run(runs, lambda run: _ms(run.views_open, 99)),
            300.0,
            target_text="≤ 300 ms",
        )
    )
    for name in ("confirm", "modal"):
        out.append(
            Figure(
                f"cl_requests.{name}",
                f"CL requests per save ({name})",
                "counted by the sandbox, worst flow of the run, tokens apart",
                "requests",
                [_requests_per_save(run, name) for run in runs],
                3.0,
                target_text="≤ 3 (read, create, wallet save)",
            )
        )
    out.append(
        Figure(
            "token_requests",
            "Token requests per server process",
            f"whole run (~{median([run.duration for run in runs]):.0f} s), token lifetime {TOKEN_LIFETIME:.0f} s",
            "requests",
            _per_run(runs, lambda run: float(run.token_requests)),
            # ≤ 1 per token lifetime: a run shorter than one lifetime may fetch one token.
            float(math.ceil(median([run.duration for run in runs]) / TOKEN_LIFETIME)),
            target_text="≤ 1 per token lifetime",
        )
    )
    for name in ("confirm", "modal"):
        for count, target in ((1, 1.1), (top, 1.3)):
            key = f"{name}@{count}"
            label = "alone" if count == 1 else f"{count} at once"
            out.append(
                Figure(
                    f"e2e_ratio.{name}.{count}",
                    f"End-to-end save / floor ({name}), median",
                    f"{label}; floor {floor:.1f} s = {NEEDED_REQUESTS} × {config.latency * 1000:.0f} ms",
                    "ratio",
                    _per_run(runs, _of_flow(key, lambda flow: median(flow.e2e) / floor)),
                    target,
                    target_text=f"≤ {target}",
                )
            )
            out.append(
                Figure(
                    f"e2e.{name}.{count}.p99",
                    f"End-to-end save p99 ({name})",
                    label,
                    "s",
                    _per_run(runs, _of_flow(key, lambda flow: percentile(flow.e2e, 99))),
                    None,
                )
            )
    for name in ("confirm", "modal"):
        out.append(
            Figure(
                f"saves_per_second.{name}",
                f"Saves completed per second ({name})",
                f"{top} at once, CL {config.latency * 1000:.0f} ms, no rate limit, one process",
                "/s",
                _per_run(runs, _of_flow(f"{name}@{top}", lambda flow: flow.saves_per_second)),
                100.0,
                higher_is_better=True,
                target_text="≥ 100/s",
            )
        )
    out += [
        Figure(
            "startup",
            "Start-up: `python -m bot` to the first 200 on `/healthz`",
            "fresh process (bytecode cached, as after a PaaS build)",
            "s",
            _per_run(runs, lambda run: run.startup),
            2.0,
            target_text="≤ 2 s",
        ),
        Figure(
            "rss.start",
            "Resident memory after start-up",
            "server process (psutil), at the first 200 on /healthz",
            "MB",
            _per_run(runs, lambda run: run.rss_start),
            100.0,
            target_text="≤ 100 MB",
        ),
        Figure(
            "rss.after",
            "Resident memory after the 200-at-once runs",
            "server process (psutil), after every burst",
            "MB",
            _per_run(runs, lambda run: run.rss_after),
            150.0,
            target_text="≤ 150 MB",
        ),
        Figure(
            "baseline.alone",
            "Baseline: plain httpx save, median",
            f"alone; the same {NEEDED_REQUESTS} requests",
            "s",
            _per_run(runs, lambda run: median(run.baseline_alone)),
            None,
        ),
        Figure(
            "baseline.saves_per_second",
            "Baseline: saves per second",
            f"{top} at once",
            "/s",
            _per_run(runs, lambda run: len(run.baseline_burst) / run.baseline_span if run.baseline_span else 0.0),
            None,
            higher_is_better=True,
        ),
        Figure(
            "overhead.alone",
            "Bot overhead: bot e2e / baseline e2e (Confirm), median",
            "alone",
            "ratio",
            _per_run(runs, lambda run: median(_flow(run, "confirm@1").e2e) / median(run.baseline_alone)),
            None,
        ),
        Figure(
            "overhead.burst",
            "Bot overhead: bot e2e / baseline e2e (Confirm), median",
            f"{top} at once",
            "ratio",
            _per_run(runs, lambda run: median(_flow(run, f"confirm@{top}").e2e) / median(run.baseline_burst)),
            None,
        ),
        Figure(
            "server_cpu",
            "Server CPU time over the whole run",
            "user + system, psutil",
            "s",
            _per_run(runs, lambda run: run.server_cpu),
            None,
        ),
        Figure(
            "sandbox_cpu",
            "Sandbox CPU time over the whole run",
            "user + system, psutil",
            "s",
            _per_run(runs, lambda run: run.sandbox_cpu),
            None,
        ),
        Figure(
            "driver_cpu",
            "Bench process CPU time (Slack's side, stand-in)",
            "user + system, baseline excluded",
            "s",
            _per_run(runs, lambda run: run.driver_cpu),
            None,
        ),
    ]
    return out


def _requests_per_save(run: Run, name: str) -> float:
    worst = 0.0
    for key, flow in run.flows.items():
        if key.startswith(name + "@") and flow.saved:
            worst = max(worst, sum(flow.cl_requests.values()) / flow.saved)
    return worst


def summarize(runs: Sequence[Run], config: Config, seconds: float) -> dict[str, Any]:
    figs = figures(runs, config)
    return {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "config": {**asdict(config), "profile": str(config.profile) if config.profile else None},
        "runs": len(runs),
        "seconds": round(seconds, 1),
        "figures": [
            {
                "key": fig.key,
                "name": fig.name,
                "conditions": fig.conditions,
                "unit": fig.unit,
                "value": _round(fig.value),
                "spread": [_round(value) for value in spread(fig.runs)],
                "runs": [_round(value) for value in fig.runs],
                "target": fig.target,
                "target_text": fig.target_text,
                "met": fig.met,
                "found": FINDINGS.get(fig.key, ""),
            }
            for fig in figs
        ],
        "cl_routes": {
            key: dict(flow.cl_requests) for key, flow in (runs[-1].flows.items() if runs else []) if flow.saved
        },
        "errors": [error for run in runs for error in run.errors][:50],
    }


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def _show(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "/s":
        return f"{value:.0f}/s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g}"


def render(summary: dict[str, Any]) -> str:
    machine = summary["machine"]
    config = summary["config"]
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. The real server (`python -m bot`)",
        "runs as a subprocess against the Commerce Layer sandbox in another subprocess, with "
        f"{config['latency'] * 1000:.0f} ms added to every Commerce Layer request. This process plays Slack: it sends "
        "signed requests over HTTP and runs the Slack Web API stand-in, so each `views.open` and response_url "
        "post is timed against the request that caused it, on one clock.",
        "",
        f"{summary['runs']} runs, each with a fresh sandbox and server; the value is the median over runs of "
        "the figure within each run (a p99 is taken within a run), the spread is the lowest and highest run. "
        f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, {machine['platform']}. "
        f"Generated {summary['generated_at']} in {summary['seconds']:.0f} s.",
        "",
        "| Figure | Conditions | Measured | Spread | Target | Met | What was found |",
        "|---|---|---|---|---|---|---|",
    ]
    for fig in summary["figures"]:
        low, high = fig["spread"]
        met = {True: "yes", False: "**no**", None: ""}[fig["met"]]
        lines.append(
            f"| {fig['name']} | {fig['conditions']} | {_show(fig['value'], fig['unit'])} | "
            f"{_show(low, fig['unit'])} – {_show(high, fig['unit'])} | {fig['target_text']} | {met} | {fig['found']} |"
        )
    lines += ["", *NOTES]
    lines += ["", "Commerce Layer requests by route, last run (tokens apart):", ""]
    for flow, routes in summary["cl_routes"].items():
        shown = ", ".join(f"{route} × {count}" for route, count in sorted(routes.items()))
        lines.append(f"- {flow}: {shown}")
    if summary["errors"]:
        lines += ["", "Errors seen during the runs:", ""] + [f"- {error}" for error in summary["errors"]]
    return "\n".join(lines) + "\n"


def write(summary: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "performance.md", out / "performance.json"
    md.write_text(render(summary))
    js.write_text(json.dumps(summary, indent=2) + "\n")
    return md, js
