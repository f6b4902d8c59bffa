"""Log lines are JSON, carry the bound request id, and are scrubbed of secrets and card ids."""

from __future__ import annotations

import io
import json
import logging

import structlog

from bot.logs import configure_logging, scrub


def test_log_lines_are_json_and_scrubbed() -> None:
    stream = io.StringIO()
    configure_logging(stream=stream)
    scrub.add(["configured-secret-value"])
    structlog.contextvars.bind_contextvars(request_id="abc123")
    try:
        structlog.get_logger("test").info(
            "something", card="pm_1IixtoEw0yMev2I0jGzoT9Js", detail="configured-secret-value"
        )
        logging.getLogger("other.library").warning(
            "token xoxb-1234-5678-abcdef and jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl and pi_1_secret_XyZ"
        )
    finally:
        structlog.contextvars.clear_contextvars()
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["event"] == "something"
    assert first["request_id"] == "abc123"
    assert first["card"] == "pm_…T9Js"
    assert first["detail"] == "[redacted]"
    assert "xoxb-1234" not in second["event"]
    assert "eyJzdWIiOiIxIn0" not in second["event"]
    assert "_secret_XyZ" not in second["event"]
    assert second["logger"] == "other.library"
