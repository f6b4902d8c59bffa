"""Slack's Events API delivery: an event POSTed as signed JSON to the app's events URL, and retried
as Slack retries it.

Slack wants a 2xx within 3 s. Otherwise it tries again, up to 3 times (at once, after about a minute,
after about 5 minutes), each retry saying which one it is (`X-Slack-Retry-Num` 1..3) and why
(`X-Slack-Retry-Reason`: `http_timeout`, `http_error`, `connection_failed`). A test passes shorter
pauses; what it observes is the order and the headers.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.standin.payloads import JSON, signed_headers

ACK_DEADLINE = 3.0
RETRY_PAUSES = (0.0, 60.0, 300.0)  # Slack's retry schedule: immediately, then about 1 and 5 minutes later


@dataclass(frozen=True)
class Attempt:
    """One POST of the event: its retry number (0 for the first), and how the app answered it."""

    retry_num: int
    status: int | None  # None: no answer within the deadline, or no connection
    reason: str | None  # why the next attempt is a retry; None when this one was answered 2xx

    @property
    def delivered(self) -> bool:
        return self.reason is None


async def post_event(
    http: httpx.AsyncClient,
    url: str,
    secret: str,
    envelope: JSON,
    *,
    retry_num: int = 0,
    retry_reason: str | None = None,
    deadline: float = ACK_DEADLINE,
) -> Attempt:
    """One delivery attempt, with the retry headers Slack adds from the second on."""
    body = json.dumps(envelope)
    headers = {**signed_headers(secret, body), "Content-Type": "application/json"}
    if retry_num:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason or "http_error"
    try:
        response = await http.post(url, content=body.encode(), headers=headers, timeout=deadline)
    except httpx.TimeoutException:
        return Attempt(retry_num, None, "http_timeout")
    except httpx.TransportError:
        return Attempt(retry_num, None, "connection_failed")
    ok = 200 <= response.status_code < 300
    return Attempt(retry_num, response.status_code, None if ok else "http_error")


async def deliver_event(
    http: httpx.AsyncClient,
    url: str,
    secret: str,
    envelope: JSON,
    *,
    pauses: Sequence[float] = RETRY_PAUSES,
    deadline: float = ACK_DEADLINE,
) -> list[Attempt]:
    """Deliver `envelope` as Slack does: the first POST, then a retry after each failed one, at most
    `len(pauses)` retries. The attempts made, in order."""
    attempts = [await post_event(http, url, secret, envelope, deadline=deadline)]
    for number, pause in enumerate(pauses, start=1):
        if attempts[-1].delivered:
            break
        await asyncio.sleep(pause)
        attempts.append(
            await post_event(
                http, url, secret, envelope, retry_num=number, retry_reason=attempts[-1].reason, deadline=deadline
            )
        )
    return attempts
