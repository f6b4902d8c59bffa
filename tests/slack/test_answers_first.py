"""The answers-first rule (bot/slack/answers.py): a client slow to send its request holds back no other work."""

from __future__ import annotations

import asyncio
import urllib.parse

from tests.slack.harness import Harness


async def test_a_client_slow_to_send_its_body_holds_back_no_work(slack: Harness) -> None:
    # Patience long enough that, were the slow request counted, the work below would stall on it.
    slack.runtime.answers.patience = 60.0
    parts = urllib.parse.urlsplit(slack.url)
    _, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(
            b"POST /slack/events HTTP/1.1\r\nHost: app\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\ntoken=abc&"
        )
        await writer.drain()
        reply = await slack.command("sources 1007")
        assert reply.status == 200
        await asyncio.wait_for(slack.settle(), 20)
        assert slack.last_message().text == "1 saved payment sources"
    finally:
        writer.close()
        await writer.wait_closed()
