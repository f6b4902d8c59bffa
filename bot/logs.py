"""JSON log lines with a request id, scrubbed of secrets, tokens and full `pm_…` ids.

Scrubbing happens on the final rendered line, so nothing escapes it: event fields, exception
texts and tracebacks, and lines from Bolt, httpx or uvicorn all pass through the same step.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

_PATTERNS = (
    (re.compile(r"\bpm_[A-Za-z0-9_\-]*([A-Za-z0-9]{4})\b"), r"pm_…\1"),
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9\-]+"), "xox?-[redacted]"),
    (re.compile(r"\bxapp-[A-Za-z0-9\-]+"), "xapp-[redacted]"),
    # JWTs: Commerce Layer access tokens.
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"), "[redacted-token]"),
    # Stripe PaymentIntent client secrets (pi_…_secret_…).
    (re.compile(r"_secret_[A-Za-z0-9]+"), "_secret_[redacted]"),
)


class Scrubber:
    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secrets: Iterable[str | None]) -> None:
        self._secrets.update(secret for secret in secrets if secret and len(secret) >= 6)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


scrub = Scrubber()


_json = structlog.processors.JSONRenderer()


def _render(logger: Any, name: str, event: MutableMapping[str, Any]) -> str:
    rendered = _json(logger, name, event)
    return scrub(rendered if isinstance(rendered, str) else rendered.decode())


def configure_logging(*, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        # Dropping below-level events first spares them the other processors.
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _render,
        ],
    )
    # No log line shows the caller's file and line, so don't make the logging module look them up
    # for every record: walking the stack was a large part of a log line's cost (docs/findings.md).
    # This is the switch the logging HOWTO's "Optimization" section names.
    logging._srcfile = None
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; the Commerce Layer client logs its own line instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # Bolt and slack_sdk build their debug messages (whole request bodies) whenever their own
    # logger's level is unset, whatever the root level: give them the level in force.
    for name in ("slack_bolt", "slack_sdk.web.async_base_client", "slack_sdk.webhook.async_client"):
        logging.getLogger(name).setLevel(level)
