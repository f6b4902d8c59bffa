"""The secrets check that runs across the whole reliability suite.

Every harness and subprocess the suite starts hands its texts here (log lines, request bodies the
Slack stand-in received, acknowledgement bodies); the sandboxes report each access token they issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import DEMO, Sandbox
from tests.reliability.figures import FIGURES, Tally
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET

# A full Stripe PaymentMethod id. The app shows `pm_…T9Js` (with an ellipsis, JSON- or URL-escaped),
# and its usage text a cut example (`pm_1MqM05LkdIwHu7ix…`): an id followed by an ellipsis is cut.
FULL_PM = re.compile(r"(?<![A-Za-z0-9_])pm_[A-Za-z0-9_]{6,}(?![A-Za-z0-9_]|…|\\u2026|\\\\u2026|%E2%80%A6)")


@dataclass
class SecretWatch:
    fixed: dict[str, str] = field(
        default_factory=lambda: {
            "Commerce Layer client secret": DEMO.client_secret,
            "Slack signing secret": SIGNING_SECRET,
            "Slack bot token": BOT_TOKEN,
        }
    )
    access_tokens: set[str] = field(default_factory=set)
    leaks: list[str] = field(default_factory=list)

    def watch_sandbox(self, sandbox: Sandbox) -> None:
        """Remember every access token `sandbox` issues from now on."""
        issue = sandbox.tokens.issue

        def recording(scope: str, lifetime: int) -> dict[str, Any]:
            body = issue(scope, lifetime)
            self.access_tokens.add(str(body["access_token"]))
            return body

        sandbox.tokens.issue = recording  # type: ignore[method-assign]

    def scan(self, source: str, texts: Iterable[str], *, extra: dict[str, str] | None = None) -> list[str]:
        """Leaks in `texts`, recorded under `source` ("log lines", "Slack stand-in bodies", …)."""
        secrets = {**self.fixed, **(extra or {})}
        found: list[str] = []
        scanned = 0
        for text in texts:
            scanned += 1
            kinds = [name for name, secret in secrets.items() if secret and secret in text]
            if any(token in text for token in self.access_tokens):
                kinds.append("Commerce Layer access token")
            match = FULL_PM.search(text)
            if match:
                kinds.append(f"full pm_ id ({match.group(0)[:6]}…)")
            for kind in kinds:
                found.append(f"{kind} in {source}: {text[:120]!r}")
                FIGURES.zero("Secrets", _counter(kind))
        FIGURES.tables["Secrets"].setdefault(source, Tally())
        FIGURES.tables["Secrets"][source].tried += scanned
        FIGURES.tables["Secrets"][source].failed += len(found)
        for leak in found[:3]:
            if len(FIGURES.tables["Secrets"][source].notes) < 5:
                FIGURES.tables["Secrets"][source].notes.append(leak)
        self.leaks += found
        return found


def _counter(kind: str) -> str:
    return "full pm_ ids found" if kind.startswith("full pm_") else f"{kind} found"


WATCH = SecretWatch()
for _name in (*WATCH.fixed, "Commerce Layer access token"):
    FIGURES.zero("Secrets", f"{_name} found")
FIGURES.zero("Secrets", "full pm_ ids found")
