"""`python -m bot`, configured only through the environment variables of the README: the process a
PaaS runs, driven with signed requests as Slack sends them."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import DEMO, Sandbox
from bot.standin import SlackStandIn
from tests.reliability.process import BotProcess, bot_process
from tests.slack.harness import Harness
from tests.slack.helpers import button, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


@pytest.fixture
async def bot(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, Harness]]:
    async with bot_process(sandbox, tmp_path) as running:
        yield running


async def spawn(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`python -m bot` with only `env` (and PATH), in a folder without a .env."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_for_message(standin: SlackStandIn, text: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in message.text for message in standin.messages):
        assert time.monotonic() < deadline, f"no message with {text!r}: {[m.text for m in standin.messages]}"
        await asyncio.sleep(0.05)


async def confirm_a_save(slack: Harness, latency: float = 0.0) -> None:
    """`/wallet save 1001 <pm_…>`, then Confirm, as Slack would send them."""
    reply = await slack.command(f"save 1001 {PM}")
    assert reply.status == 200
    await wait_for_message(slack.standin, "Save card pm_…T9Js")
    value = button(slack.standin.messages[-1].blocks, "wallet_confirm")["value"]
    slack.sandbox.latency = latency
    pressed = await slack.press("wallet_confirm", value, response_url=reply.response_url)
    assert pressed.status == 200


async def test_a_signed_save_and_confirm_end_with_the_wallet_in_slack(
    bot: tuple[BotProcess, Harness], sandbox: Sandbox
) -> None:
    _, slack = bot
    await confirm_a_save(slack)
    await wait_for_message(slack.standin, "saved to the wallet")
    standin = slack.standin
    shown = texts(standin.messages[-1].blocks)
    assert "Card saved to the wallet" in shown
    assert "alice@example.com" in shown
    assert "added now" in shown
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_sigterm_lets_a_save_in_flight_finish_then_exits_0(
    bot: tuple[BotProcess, Harness], sandbox: Sandbox
) -> None:
    process, slack = bot
    # Each Commerce Layer round trip of the save now takes half a second.
    await confirm_a_save(slack, latency=0.5)
    process.terminate()
    code = await process.exited(timeout=30)
    standin = slack.standin
    assert code == 0
    assert any("saved to the wallet" in message.text for message in standin.messages)
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_missing_settings_stop_start_up_with_one_line_each(tmp_path: Path) -> None:
    process = await spawn({"SLACK_BOT_TOKEN": "not-a-bot-token-supersecret", "PORT": "abc"}, tmp_path)
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert await process.wait() == 2
    lines = stderr.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["PORT"]
    assert "supersecret" not in stderr


async def test_missing_secrets_are_each_named(tmp_path: Path) -> None:
    process = await spawn({"SLACK_BOT_TOKEN": "not-a-bot-token-supersecret"}, tmp_path)
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert await process.wait() == 2
    named = [line.split(":")[1].strip() for line in stderr.strip().splitlines()]
    assert named == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CL_CLIENT_ID", "CL_CLIENT_SECRET"]
    assert "supersecret" not in stderr
