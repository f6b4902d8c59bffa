"""The benchmark's figures, each beside its target, as docs/performance.md and docs/performance.json."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.bulk import CHAT_UPDATE_TIER, BulkBatch
from bench.scaleout import LOCK_PURPOSES, TOPOLOGIES, ScaleOut
from bench.scenarios import Config, Flow, Run
from bench.stats import median, percentile, spread

DOCS = Path(__file__).resolve().parent.parent / "docs"
NEEDED_REQUESTS = 3  # read, create, wallet save: the floor of a save is their latencies added up
TOKEN_LIFETIME = 7200.0  # the sandbox's default, as Commerce Layer's integration tokens

# What was learned from a figure is written by hand in docs/findings.md, which a run never rewrites; the report
# links each figure to its section there by the section's title.
FINDINGS_DOC = DOCS / "findings.md"
FINDINGS: dict[str, str] = {
    "ack.command.200.p99": "Acknowledgement latency",
    "ack.confirm.200.p99": "Acknowledgement latency",
    "ack.modal.200.p99": "Acknowledgement latency",
    "saves_per_second.confirm": "Saves per second",
    "saves_per_second.modal": "Saves per second",
    "e2e_ratio.confirm.200": "End-to-end save against its floor",
    "e2e_ratio.modal.200": "End-to-end save against its floor",
    "views_open.p99": "Opening the modal",
    "cl_requests.confirm": "Commerce Layer requests and tokens",
    "cl_requests.modal": "Commerce Layer requests and tokens",
    "token_requests": "Commerce Layer requests and tokens",
    "startup": "Start-up",
    **{
        f"scaleout.{kind}.{key}": "Scaling out" for kind in ("ack", "saves_per_second", "busiest") for key in TOPOLOGIES
    },
    **{
        f"lock.{kind}": "Scaling out"
        for kind in ("e2e.plain", "e2e.redis", "e2e.cost", "round_trips.lock", "round_trips.all", "redis_commands")
    },
}


def _anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return "".join(char for char in title.lower() if char.isalnum() or char in " -_").replace(" ", "-")


NOTES = [
    "## How it is measured",
    "",
    "- Acknowledgement latency: from this process sending a signed request to its HTTP answer, over warm "
    "keep-alive connections (one per request at once, as Slack's many senders).",
    "- End-to-end save: from sending the Confirm (or the modal submission) to the result's post to the "
    "response_url arriving at the stand-in. The floor is the save's three Commerce Layer latencies added up.",
    "- Saves per second: saves completed over the time from the first request sent to the last result.",
    "- Baseline: the same three requests with a plain httpx script, one connection per save in flight.",
    "- Bursts are written and read on raw HTTP/1.1 keep-alive connections, one per request at once: sent with "
    "httpx, they would have measured the bench's own CPU, not the bot's.",
    "- Scale-out (bench/scaleout.py): after the figures above, with servers of their own, all with REDIS_URL set "
    "to a Redis started by the bench on loopback: the Confirm flow at the top concurrency on one process, on one "
    "process with WEB_CONCURRENCY=2 (uvicorn's workers on one socket), and on two processes behind bench/proxy.py, "
    "a round-robin TCP proxy in a process of its own standing in for a PaaS router (uvicorn can't be asked for "
    "SO_REUSEPORT). The lock's cost: saves one at a time with Commerce Layer answering at once, without and with "
    "REDIS_URL; Redis commands per save from INFO commandstats, and by key from MONITOR in a separate short run.",
    "- Bulk save (bench/bulk.py): last, on a fresh sandbox with Commerce Layer's test-mode rate limits on and a "
    "fresh server each, `/wallet bulk` with a CSV file of N rows of new orders, played as Slack plays it; timed "
    "from the Confirm to the summary in the progress message. The floor is the least time the limits allow for "
    "the Commerce Layer requests the batch made (tests/support/rate_limits.py). Updates per minute count the "
    "progress message's chat.update calls. `python -m bench --only bulk` runs only these and replaces them in "
    "the report.",
    "- `python -m bench --profile FILE` runs the server under cProfile; py-spy attached to the server "
    "(`py-spy record --format raw -p PID`) samples it without slowing it down.",
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
    # The whole run's figures: key, name, conditions, unit, the figure of one run, target (None: no target), as shown.
    whole: list[tuple[str, str, str, str, Callable[[Run], float], float | None, str]] = [
        (
            "startup",
            "Start-up: `python -m bot` to the first 200 on `/healthz`",
            "fresh process (bytecode cached, as after a PaaS build)",
            "s",
            lambda run: run.startup,
            2.0,
            "≤ 2 s",
        ),
        (
            "rss.start",
            "Resident memory after start-up",
            "server process (psutil), at the first 200 on /healthz",
            "MB",
            lambda run: run.rss_start,
            100.0,
            "≤ 100 MB",
        ),
        (
            "rss.after",
            "Resident memory after the 200-at-once runs",
            "server process (psutil), after every burst",
            "MB",
            lambda run: run.rss_after,
            150.0,
            "≤ 150 MB",
        ),
        (
            "baseline.alone",
            "Baseline: plain httpx save, median",
            f"alone; the same {NEEDED_REQUESTS} requests",
            "s",
            lambda run: median(run.baseline_alone),
            None,
            "",
        ),
        (
            "baseline.saves_per_second",
            "Baseline: saves per second",
            f"{top} at once",
            "/s",
            lambda run: len(run.baseline_burst) / run.baseline_span if run.baseline_span else 0.0,
            None,
            "",
        ),
        (
            "overhead.alone",
            "Bot overhead: bot e2e / baseline e2e (Confirm), median",
            "alone",
            "ratio",
            lambda run: median(_flow(run, "confirm@1").e2e) / median(run.baseline_alone),
            None,
            "",
        ),
        (
            "overhead.burst",
            "Bot overhead: bot e2e / baseline e2e (Confirm), median",
            f"{top} at once",
            "ratio",
            lambda run: median(_flow(run, f"confirm@{top}").e2e) / median(run.baseline_burst),
            None,
            "",
        ),
        (
            "server_cpu",
            "Server CPU time over the whole run",
            "user + system, psutil",
            "s",
            lambda run: run.server_cpu,
            None,
            "",
        ),
        (
            "sandbox_cpu",
            "Sandbox CPU time over the whole run",
            "user + system, psutil",
            "s",
            lambda run: run.sandbox_cpu,
            None,
            "",
        ),
        (
            "driver_cpu",
            "Bench process CPU time (Slack's side, stand-in)",
            "user + system, baseline excluded",
            "s",
            lambda run: run.driver_cpu,
            None,
            "",
        ),
    ]
    out += [
        Figure(key, name, conditions, unit, _per_run(runs, measure), target, target_text=text)
        for key, name, conditions, unit, measure, target, text in whole
    ]
    return out + _scaleout_figures(runs, config) + bulk_figures(runs, config)


BULK_TARGET = 1.15  # times the least time Commerce Layer's limits allow (issue: 100 saves)


def _of_bulk(rows: int, measure: Callable[[BulkBatch], float]) -> Callable[[Run], float]:
    """A per-run figure of the bulk save of `rows` rows (NaN when the run has none)."""

    def figure(run: Run) -> float:
        return measure(next((batch for batch in run.bulk if batch.rows == rows), BulkBatch(rows)))

    return figure


def bulk_figures(runs: Sequence[Run], config: Config) -> list[Figure]:
    """`/wallet bulk` of a CSV file at the test-mode rate limits (bench/bulk.py)."""
    out: list[Figure] = []
    for rows in config.bulk:
        conditions = f"{rows} rows, CSV file, test-mode rate limits, {config.latency * 1000:.0f} ms latency"

        out += [
            Figure(
                f"bulk.{rows}.ratio",
                "Bulk save against the rate-limit floor",
                conditions + "; Confirm → summary / least time the limits allow",
                "ratio",
                _per_run(runs, _of_bulk(rows, lambda batch: batch.ratio)),
                BULK_TARGET if rows <= 100 else None,
                target_text=f"≤ {BULK_TARGET}" if rows <= 100 else "",
            ),
            Figure(
                f"bulk.{rows}.seconds",
                "Bulk save, Confirm → summary",
                conditions,
                "s",
                _per_run(runs, _of_bulk(rows, lambda batch: batch.seconds)),
                None,
            ),
            Figure(
                f"bulk.{rows}.floor",
                "Bulk save, least time the rate limits allow",
                conditions,
                "s",
                _per_run(runs, _of_bulk(rows, lambda batch: batch.floor)),
                None,
            ),
            Figure(
                f"bulk.{rows}.not_saved",
                "Bulk rows not saved",
                conditions,
                "rows",
                _per_run(runs, _of_bulk(rows, lambda batch: float(batch.rows - batch.saved))),
                0.0,
                target_text="0",
            ),
            Figure(
                f"bulk.{rows}.cl_429",
                "Commerce Layer 429s during the bulk save",
                conditions,
                "requests",
                _per_run(runs, _of_bulk(rows, lambda batch: float(batch.cl_429))),
                0.0,
                target_text="0",
            ),
            Figure(
                f"bulk.{rows}.updates_per_minute",
                "Progress message updates per minute",
                conditions + "; chat.update is Tier 3",
                "/min",
                _per_run(runs, _of_bulk(rows, lambda batch: batch.updates_per_minute)),
                CHAT_UPDATE_TIER,
                target_text=f"≤ {CHAT_UPDATE_TIER:.0f} (Tier 3)",
            ),
        ]
    return out


def _scaled(run: Run) -> ScaleOut:
    return run.scaleout or ScaleOut()


def _of_topology(key: str, measure: Callable[[Flow], float]) -> Callable[[Run], float]:
    def figure(run: Run) -> float:
        flow = _scaled(run).flows.get(key)
        return measure(flow) if flow is not None else math.nan

    return figure


def _busiest_share(key: str) -> Callable[[Run], float]:
    return lambda run: _scaled(run).busiest.get(key, math.nan) * 100


def _listed(counts: Counter[str], only: Sequence[str] | None = None) -> str:
    shown = [(what, calls) for what, calls in sorted(counts.items()) if only is None or what in only]
    return ", ".join(f"{what} {calls:g}" for what, calls in shown) or "none"


def _scaleout_figures(runs: Sequence[Run], config: Config) -> list[Figure]:
    """No targets: the issue asks for these figures, not for given values."""
    if not any(run.scaleout for run in runs):
        return []
    top = max(config.concurrency)
    latency = f"CL {config.latency * 1000:.0f} ms"
    out: list[Figure] = []
    for key, label in TOPOLOGIES.items():
        out += [
            Figure(
                f"scaleout.ack.{key}",
                f"Ack latency p99, Confirm (block_actions): {label}",
                f"{top} at once, {latency}, REDIS_URL",
                "ms",
                _per_run(runs, _of_topology(key, lambda flow: _ms(flow.acks, 99))),
                None,
            ),
            Figure(
                f"scaleout.saves_per_second.{key}",
                f"Saves completed per second (confirm): {label}",
                f"{top} at once, {latency}, REDIS_URL",
                "/s",
                _per_run(runs, _of_topology(key, lambda flow: flow.saves_per_second)),
                None,
                higher_is_better=True,
            ),
            Figure(
                f"scaleout.busiest.{key}",
                f"Share of the burst's connections taken by the busiest process or worker: {label}",
                "Confirm burst; client connections each process or worker held open (psutil)",
                "%",
                _per_run(runs, _busiest_share(key)),
                None,
            ),
        ]
    saves = config.lock_saves
    last = _scaled(runs[-1]) if runs else ScaleOut()
    by_command = ", ".join(f"{name.upper()} {calls:g}" for name, calls in sorted(last.commands.items()))
    out += [
        Figure(
            "lock.e2e.plain",
            "End-to-end save alone (confirm), median: without REDIS_URL",
            f"{saves} saves one at a time, CL answering at once",
            "ms",
            _per_run(runs, lambda run: median(_scaled(run).e2e_plain) * 1000),
            None,
        ),
        Figure(
            "lock.e2e.redis",
            "End-to-end save alone (confirm), median: with REDIS_URL",
            f"{saves} saves one at a time, CL answering at once, Redis on loopback",
            "ms",
            _per_run(runs, lambda run: median(_scaled(run).e2e_redis) * 1000),
            None,
        ),
        Figure(
            "lock.e2e.cost",
            "Redis's time per save (lock, Confirm mark, rate budget): median with minus median without",
            "the two figures above",
            "ms",
            _per_run(runs, lambda run: (median(_scaled(run).e2e_redis) - median(_scaled(run).e2e_plain)) * 1000),
            None,
        ),
        Figure(
            "lock.round_trips.lock",
            "Redis round trips per save: the lock and the single-use Confirm",
            f"MONITOR over {config.monitored_saves} saves; last run: {_listed(last.round_trips, LOCK_PURPOSES)}",
            "requests",
            _per_run(runs, lambda run: sum(_scaled(run).round_trips[what] for what in LOCK_PURPOSES)),
            None,
        ),
        Figure(
            "lock.round_trips.all",
            "Redis round trips per save: everything",
            f"MONITOR over {config.monitored_saves} saves; last run: {_listed(last.round_trips)}",
            "requests",
            _per_run(runs, lambda run: sum(_scaled(run).round_trips.values())),
            None,
        ),
        Figure(
            "lock.redis_commands",
            "Redis commands run per save, Lua scripts' own included",
            f"INFO commandstats over {saves} saves, health-check PINGs apart; last run: {by_command or 'none'}",
            "requests",
            _per_run(runs, lambda run: sum(_scaled(run).commands.values())),
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
        "figures": [_entry(fig) for fig in figs],
        "redis_per_save": {
            "by_command": dict((runs[-1].scaleout or ScaleOut()).commands) if runs else {},
            "round_trips": dict((runs[-1].scaleout or ScaleOut()).round_trips) if runs else {},
        },
        "cl_routes": {
            key: dict(flow.cl_requests) for key, flow in (runs[-1].flows.items() if runs else []) if flow.saved
        },
        "errors": [error for run in runs for error in run.errors][:50],
    }


def _entry(fig: Figure) -> dict[str, Any]:
    return {
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
        "found": f"docs/{FINDINGS_DOC.name}#{_anchor(FINDINGS[fig.key])}" if fig.key in FINDINGS else "",
    }


def replace_figures(out: Path, figs: Sequence[Figure], prefix: str) -> tuple[Path, Path]:
    """The report in `out` with its figures whose key starts with `prefix` replaced by `figs`, the
    others kept as the last full run wrote them (`python -m bench --only bulk`)."""
    js = out / "performance.json"
    summary: dict[str, Any] = json.loads(js.read_text())
    kept = [fig for fig in summary["figures"] if not str(fig["key"]).startswith(prefix)]
    summary["figures"] = kept + [_entry(fig) for fig in figs]
    return write(summary, out)


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
    if unit == "/min":
        return f"{value:.0f}/min"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "%":
        return f"{value:.0f} %"
    return f"{value:g}"


def render(summary: dict[str, Any], findings: str = FINDINGS_DOC.name) -> str:
    """The report; `findings` is the path of docs/findings.md from where the report is written."""
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
        title = FINDINGS.get(fig["key"])
        found = f"[{title}]({findings}#{_anchor(title)})" if title else ""
        lines.append(
            f"| {fig['name']} | {fig['conditions']} | {_show(fig['value'], fig['unit'])} | "
            f"{_show(low, fig['unit'])} – {_show(high, fig['unit'])} | {fig['target_text']} | {met} | {found} |"
        )
    lines += ["", *NOTES, ""]
    lines += [
        "## What was found",
        "",
        f"What profiling found behind these figures, what was changed and why: [{FINDINGS_DOC.name}]({findings}), "
        "written by hand and never rewritten by a run.",
    ]
    trips = summary.get("redis_per_save", {}).get("round_trips") or {}
    if trips:
        lines += ["", "Redis round trips per save by what they were for, last run (MONITOR, by key):", ""]
        lines += [f"- {what}: {calls:g}" for what, calls in sorted(trips.items())]
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
    md.write_text(render(summary, Path(os.path.relpath(FINDINGS_DOC, out.resolve())).as_posix()))
    js.write_text(json.dumps(summary, indent=2) + "\n")
    return md, js
