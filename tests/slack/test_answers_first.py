"""Answer at once, work after (bot/slack/listeners.py, answers.py): every request is acknowledged before
Commerce Layer answers, and a client slow to send its request holds back no other work."""

from __future__ import annotations

import asyncio
import urllib.parse

from bot.commercelayer import RetryPolicy
from tests.support.harness import Harness
from tests.support.reading import input_blocks
from tests.support.scenario import MakeHarness


async def test_a_client_slow_to_send_its_body_holds_back_no_work(scenario: Harness) -> None:
    # Patience long enough that, were the slow request counted, the work below would stall on it.
    scenario.runtime.answers.patience = 60.0
    parts = urllib.parse.urlsplit(scenario.url)
    _, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(
            b"POST /slack/events HTTP/1.1\r\nHost: app\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\ntoken=abc&"
        )
        await writer.drain()
        reply = await scenario.command("sources 1007")
        assert reply.status == 200
        await asyncio.wait_for(scenario.settle(), 20)
        assert scenario.last_message().text == "1 saved payment sources"
    finally:
        writer.close()
        await writer.wait_closed()


async def test_every_request_is_acknowledged_before_commerce_layer_answers(make_harness: MakeHarness) -> None:
    scenario = await make_harness(retry=RetryPolicy(request_timeout=10.0))
    # Commerce Layer takes over 3 s a request here: longer than Slack's deadline on its own.
    scenario.sandbox.latency = 3.1
    save = await scenario.command("save 1001 pm_card_visa")
    modal = await scenario.command("save 1001")
    sources = await scenario.command("sources 1001")
    for reply in (save, modal, sources):
        assert reply.status == 200
        assert reply.elapsed < 3.0
    await scenario.settle()
    assert input_blocks(scenario.open_view()) == ["card", "reason"]
    assert any("Save card pm_…visa" in message.text for message in scenario.standin.messages)
