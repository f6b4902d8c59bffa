"""`python -m bot`, configured only through the environment variables of the README: the process a
PaaS runs, driven with signed requests as Slack sends them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import DEMO, Sandbox
from bot.standin import SlackStandIn
from tests.reliability.process import BotProcess, bot_process
from tests.support import clean_env, spawn_python
from tests.support.harness import Harness
from tests.support.reading import button, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


@pytest.fixture
async def bot(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, Harness]]:
    async with bot_process(sandbox, tmp_path) as running:
        yield running


async def refused_start_up(settings: dict[str, str], workdir: Path) -> tuple[int, str]:
    """`python -m bot` configured by `settings` alone, which stops at start-up: its exit code and what it printed."""
    log_path = workdir / "bot.log"
    popen = spawn_python(["-m", "bot"], env=clean_env(settings), cwd=workdir, log_path=log_path)
    code = await asyncio.to_thread(popen.wait, 30)
    return code, log_path.read_text()


async def wait_for_message(standin: SlackStandIn, text: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in message.text for message in standin.messages):
        assert time.monotonic() < deadline, f"no message with {text!r}: {[m.text for m in standin.messages]}"
        await asyncio.sleep(0.05)


async def confirm_a_save(scenario: Harness, latency: float = 0.0) -> None:
    """`/wallet save 1001 <pm_…>`, then Confirm, as Slack would send them."""
    reply = await scenario.command(f"save 1001 {PM}")
    assert reply.status == 200
    await wait_for_message(scenario.standin, "Save card pm_…T9Js")
    value = button(scenario.standin.messages[-1].blocks, "wallet_confirm")["value"]
    scenario.sandbox.latency = latency
    pressed = await scenario.press("wallet_confirm", value, response_url=reply.response_url)
    assert pressed.status == 200


async def test_a_signed_save_and_confirm_end_with_the_wallet_in_slack(
    bot: tuple[BotProcess, Harness], sandbox: Sandbox
) -> None:
    _, scenario = bot
    await confirm_a_save(scenario)
    await wait_for_message(scenario.standin, "saved to the wallet")
    standin = scenario.standin
    shown = texts(standin.messages[-1].blocks)
    assert "Card saved to the wallet" in shown
    assert "alice@example.com" in shown
    assert "added now" in shown
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_sigterm_lets_a_save_in_flight_finish_then_exits_0(
    bot: tuple[BotProcess, Harness], sandbox: Sandbox
) -> None:
    process, scenario = bot
    # Each Commerce Layer round trip of the save now takes half a second.
    await confirm_a_save(scenario, latency=0.5)
    process.terminate()
    code = await process.exited(timeout=30)
    standin = scenario.standin
    assert code == 0
    assert any("saved to the wallet" in message.text for message in standin.messages)
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_missing_settings_stop_start_up_with_one_line_each(tmp_path: Path) -> None:
    code, printed = await refused_start_up({"SLACK_BOT_TOKEN": "not-a-bot-token-supersecret", "PORT": "abc"}, tmp_path)
    assert code == 2
    lines = printed.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["PORT"]
    assert "supersecret" not in printed


async def test_missing_secrets_are_each_named(tmp_path: Path) -> None:
    code, printed = await refused_start_up({"SLACK_BOT_TOKEN": "not-a-bot-token-supersecret"}, tmp_path)
    assert code == 2
    named = [line.split(":")[1].strip() for line in printed.strip().splitlines()]
    assert named == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CL_CLIENT_ID", "CL_CLIENT_SECRET"]
    assert "supersecret" not in printed
