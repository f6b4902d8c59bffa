"""Figures the reliability suite collects while it runs, and the report it writes from them.

One collector per pytest session: each test adds the cases it tried and what went wrong, and the
session's end turns them into `docs/reliability.md` (only when the slow part ran, so that `make test`
never rewrites the report with the small sample of the fast part).
"""

from __future__ import annotations

import datetime
import platform
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

RERUN = "make reliability"


@dataclass
class Tally:
    tried: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Figures:
    # group -> row label -> tally of cases tried and cases that failed
    tables: dict[str, dict[str, Tally]] = field(default_factory=lambda: defaultdict(dict))
    # "must be 0" counters, per group
    zeros: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    # measured values (times, counts, memory), per group, already formatted
    values: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    slow_ran: bool = False

    def case(self, group: str, row: str, *, failed: bool, note: str | None = None) -> None:
        tally = self.tables[group].setdefault(row, Tally())
        tally.tried += 1
        tally.failed += int(failed)
        if failed and note and len(tally.notes) < 5:
            tally.notes.append(note)

    def zero(self, group: str, name: str, count: int = 0) -> None:
        """A counter that must stay 0; adding to it keeps a running total."""
        self.zeros[group][name] = self.zeros[group].get(name, 0) + count

    def value(self, group: str, name: str, text: str) -> None:
        self.values[group][name] = text

    def failures(self) -> int:
        return sum(t.failed for rows in self.tables.values() for t in rows.values()) + sum(
            n for counters in self.zeros.values() for n in counters.values()
        )


FIGURES = Figures()

GROUPS = ("Faults", "Rate limits", "Abuse", "Secrets", "Shutdown", "Endurance")


def render(figures: Figures, *, outcome: str, seconds: float) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Reliability figures",
        "",
        f"Written by the reliability suite (`tests/reliability/`) on {today}, Python "
        f"{platform.python_version()}, in {seconds:.0f} s; pytest outcome: **{outcome}**.",
        f"Re-run with `{RERUN}` (creates the virtual environment if needed, runs the fast and the slow",
        "part against the built-in sandbox and the Slack stand-in, and rewrites this file). The fast part",
        "also runs in `make test`, which never rewrites this file.",
        "",
        f"Failures over all groups, counters that must be 0 included: **{figures.failures()}**.",
        "",
    ]
    names = [g for g in GROUPS if g in figures.tables or g in figures.zeros or g in figures.values]
    names += sorted(set(figures.tables) | set(figures.zeros) | set(figures.values) - set(GROUPS) - set(names))
    for group in dict.fromkeys(names):
        lines += [f"## {group}", ""]
        lines += _INTROS.get(group, [])
        rows = figures.tables.get(group, {})
        if rows:
            lines += ["| Case | Tried | Failures |", "|---|---:|---:|"]
            lines += [f"| {row} | {t.tried} | {t.failed} |" for row, t in rows.items()]
            total_tried = sum(t.tried for t in rows.values())
            total_failed = sum(t.failed for t in rows.values())
            lines += [f"| **all** | **{total_tried}** | **{total_failed}** |", ""]
            notes = [f"- {row}: {note}" for row, t in rows.items() for note in t.notes]
            if notes:
                lines += ["Failures seen:", "", *notes, ""]
        counters = figures.zeros.get(group, {})
        if counters:
            lines += ["| Must be 0 | Count |", "|---|---:|"]
            lines += [f"| {name} | {count} |" for name, count in counters.items()]
            lines += [""]
        measured = figures.values.get(group, {})
        if measured:
            lines += ["| Measured | Value |", "|---|---|"]
            lines += [f"| {name} | {text} |" for name, text in measured.items()]
            lines += [""]
    return "\n".join(lines).rstrip() + "\n"


def write(figures: Figures, path: Path, *, outcome: str, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(figures, outcome=outcome, seconds=seconds))


_INTROS: dict[str, list[str]] = {
    "Faults": [
        "Each case runs one save through the whole app (signed Slack requests, the Commerce Layer",
        "sandbox over HTTP) with one fault injected on one of the save's Commerce Layer requests. A",
        "*transient* fault fires once (a 429 burst: three times); a *lasting* one fires on every",
        "matching request until it is cleared, after which the same save is run again. The token case",
        "revokes the cached token first, so that the save itself has to fetch a new one. Four",
        "two-fault cases reach the paths single faults can't: the second create after an unclear",
        "first one, and the read-back after an unanswered create or wallet save. Every case runs in",
        "both surfaces (Confirm button, modal). A final message must name what was and was not",
        "changed, and say it truly: the sandbox's state is checked against it.",
        "",
    ],
    "Rate limits": [
        "100, then 300, saves of different orders confirmed at once, with the sandbox enforcing Commerce",
        "Layer's test-mode limits (reads and writes each: 100 per minute, and 25 per endpoint per 10 s;",
        "token: 30 per minute) and the production retry policy. The client paces itself on the",
        "X-Ratelimit-* headers (bot/commercelayer/pacing.py). The least time the limits allow counts the",
        "burst and average windows together (`least_time` in tests/reliability/test_rate_limits.py): for",
        "100 saves, 200 writes over two endpoints, it is 70 s.",
        "",
    ],
    "Abuse": [
        "Property-based fuzzing (hypothesis) of command text and interaction payloads, signature",
        "checks, and access checks on every mutating surface for a user outside the allow-lists.",
        "",
    ],
    "Secrets": [
        "Every log line and every request body the Slack stand-in received, over the whole suite",
        "(subprocesses included), searched for the Commerce Layer client secret, the Slack signing",
        "secret, the bot token, every Commerce Layer access token the sandbox issued, and full `pm_…` ids.",
        "",
    ],
    "Shutdown": [
        "A real `python -m bot serve` process, configured through environment variables, receives",
        "SIGTERM while 20 confirmed saves are in flight against a sandbox that answers each request",
        "after a delay.",
        "",
    ],
    "Endurance": [
        "2,000 mixed commands (help, bad input, previews, modals, sources, confirmed saves) at a steady",
        "rate against a real `python -m bot serve` process; resident memory read with psutil.",
        "",
    ],
}
