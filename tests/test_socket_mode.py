"""`python -m bot socket`: the same app over Socket Mode, for a development Slack app."""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin import SlackStandIn, start_standin
from bot.standin.payloads import Who, app_home_opened, slash_command
from tests.support import bot_env
from tests.support.harness import BOT_TOKEN

APP_TOKEN = "xapp-1-A0CONSOLE-1-socketmodesecret"


@pytest.fixture
async def socket_bot(sandbox_url: str, tmp_path: Path) -> AsyncIterator[SlackStandIn]:
    standin = SlackStandIn(bot_token=BOT_TOKEN, app_token=APP_TOKEN)
    slack = await start_standin(standin)
    env = bot_env(slack_api_url=slack.api_url, bot_token=BOT_TOKEN, sandbox_url=sandbox_url, app_token=APP_TOKEN)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "socket",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await standin.wait_for_socket(timeout=20)
        yield standin
    finally:
        process.kill()
        await process.wait()
        await slack.stop()


async def test_a_slash_command_over_socket_mode_is_acknowledged_and_answered(socket_bot: SlackStandIn) -> None:
    standin = socket_bot
    response_url = standin.new_response_url("C0CONSOLE", user_id="U0ALLOWED")
    form = slash_command(
        Who("U0ALLOWED", "T0CONSOLE", "C0CONSOLE"),
        "save 1001 pm_card_visa",
        response_url=response_url,
        trigger_id=standin.new_trigger_id(),
    )
    payload = dict(urllib.parse.parse_qsl(form))
    ack = await standin.send_envelope("slash_commands", payload)
    assert "envelope_id" in ack
    deadline = time.monotonic() + 15
    while not any("Save card pm_…visa" in message.text for message in standin.messages):
        assert time.monotonic() < deadline, [message.text for message in standin.messages]
        await asyncio.sleep(0.05)
    assert [call.method for call in standin.calls][:1] == ["apps.connections.open"]


async def test_help_is_answered_in_the_acknowledgement(socket_bot: SlackStandIn) -> None:
    form = slash_command(
        Who("U0ALLOWED", "T0CONSOLE", "C0CONSOLE"),
        "help",
        response_url=socket_bot.new_response_url("C0CONSOLE"),
        trigger_id=socket_bot.new_trigger_id(),
    )
    ack = await socket_bot.send_envelope("slash_commands", dict(urllib.parse.parse_qsl(form)))
    assert "/wallet save 1001" in str(ack["payload"]["blocks"])


async def test_the_app_home_opened_over_socket_mode_is_published(socket_bot: SlackStandIn) -> None:
    ack = await socket_bot.send_envelope("events_api", app_home_opened(Who("U0ALLOWED", "T0CONSOLE", "C0CONSOLE")))
    assert "envelope_id" in ack
    await socket_bot.wait_for("views.publish", count=2, timeout=15)
    home = socket_bot.home_view("U0ALLOWED")
    assert home is not None and "You may change wallets." in str(home["blocks"])
