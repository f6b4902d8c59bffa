"""Slack's request signature check stays on: a bad signature answers 401 and calls nothing."""

from __future__ import annotations

import time
import urllib.parse

from tests.slack.harness import Harness


def command_body(text: str = "save 1001 pm_card_visa") -> str:
    return urllib.parse.urlencode(
        {"team_id": "T0CONSOLE", "user_id": "U0ALLOWED", "channel_id": "C0CONSOLE", "command": "/wallet", "text": text}
    )


async def assert_refused_without_effect(slack: Harness, body: str, headers: dict[str, str]) -> None:
    reply = await slack.post(body, "application/x-www-form-urlencoded", headers)
    assert reply.status == 401
    await slack.settle()
    assert slack.sandbox.requests == []
    assert slack.standin.calls == []


async def test_missing_signature(slack: Harness) -> None:
    await assert_refused_without_effect(slack, command_body(), {})


async def test_wrong_secret(slack: Harness) -> None:
    body = command_body()
    await assert_refused_without_effect(slack, body, slack.signed(body, secret="not-the-signing-secret"))


async def test_stale_timestamp(slack: Harness) -> None:
    body = command_body()
    await assert_refused_without_effect(slack, body, slack.signed(body, timestamp=int(time.time()) - 6 * 60))


async def test_body_changed_after_signing(slack: Harness) -> None:
    headers = slack.signed(command_body("help"))
    await assert_refused_without_effect(slack, command_body("save 1001 pm_card_visa"), headers)


async def test_recorded_signature_replayed_with_a_new_timestamp(slack: Harness) -> None:
    body = command_body()
    old = slack.signed(body, timestamp=int(time.time()) - 600)
    replay = {**old, "X-Slack-Request-Timestamp": str(int(time.time()))}
    await assert_refused_without_effect(slack, body, replay)


async def test_ssl_check_does_not_bypass_verification_for_commands(slack: Harness) -> None:
    await assert_refused_without_effect(slack, command_body() + "&ssl_check=0", {})
