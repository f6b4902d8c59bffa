"""Slack's request signature check stays on: a bad signature answers 401 and calls nothing."""

from __future__ import annotations

import time
import urllib.parse

from tests.support.harness import Harness


def command_body(text: str = "save 1001 pm_card_visa") -> str:
    return urllib.parse.urlencode(
        {"team_id": "T0CONSOLE", "user_id": "U0ALLOWED", "channel_id": "C0CONSOLE", "command": "/wallet", "text": text}
    )


async def assert_refused_without_effect(scenario: Harness, body: str, headers: dict[str, str]) -> None:
    reply = await scenario.post(body, "application/x-www-form-urlencoded", headers)
    assert reply.status == 401
    await scenario.settle()
    assert scenario.sandbox.requests == []
    assert scenario.standin.calls == []


async def test_missing_signature(scenario: Harness) -> None:
    await assert_refused_without_effect(scenario, command_body(), {})


async def test_wrong_secret(scenario: Harness) -> None:
    body = command_body()
    await assert_refused_without_effect(scenario, body, scenario.signed(body, secret="not-the-signing-secret"))


async def test_stale_timestamp(scenario: Harness) -> None:
    body = command_body()
    await assert_refused_without_effect(scenario, body, scenario.signed(body, timestamp=int(time.time()) - 6 * 60))


async def test_body_changed_after_signing(scenario: Harness) -> None:
    headers = scenario.signed(command_body("help"))
    await assert_refused_without_effect(scenario, command_body("save 1001 pm_card_visa"), headers)


async def test_recorded_signature_replayed_with_a_new_timestamp(scenario: Harness) -> None:
    body = command_body()
    old = scenario.signed(body, timestamp=int(time.time()) - 600)
    replay = {**old, "X-Slack-Request-Timestamp": str(int(time.time()))}
    await assert_refused_without_effect(scenario, body, replay)


async def test_ssl_check_does_not_bypass_verification_for_commands(scenario: Harness) -> None:
    await assert_refused_without_effect(scenario, command_body() + "&ssl_check=0", {})
