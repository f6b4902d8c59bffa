"""`python -m bot`, configured only through the environment variables of DESIGN.md: the process a
PaaS runs, driven with signed requests as Slack sends them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.console.standin import SlackStandIn, start_standin
from bot.sandbox import DEMO, Sandbox
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, Harness
from tests.slack.helpers import button, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url

    async def stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()


async def spawn(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.fixture
async def bot(sandbox_url: str, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, SlackStandIn]]:
    standin = SlackStandIn(bot_token=BOT_TOKEN)
    slack = await start_standin(standin)
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "CL_CLIENT_ID": DEMO.client_id,
        "CL_CLIENT_SECRET": DEMO.client_secret,
        "CL_AUTH_URL": sandbox_url,
        "CL_API_URL": sandbox_url,
        "PORT": str(port),
    }
    process = await spawn(env, tmp_path)
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                if (await http.get(url + "/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
        else:
            process.kill()
            raise AssertionError("python -m bot did not answer /healthz")
    yield BotProcess(process, url), standin
    if process.returncode is None:
        process.kill()
        await process.wait()
    await slack.stop()


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
    bot: tuple[BotProcess, SlackStandIn], sandbox: Sandbox
) -> None:
    process, standin = bot
    async with httpx.AsyncClient(timeout=10) as http:
        await confirm_a_save(Harness(process.url, http, standin, sandbox, runtime=None))  # type: ignore[arg-type]
        await wait_for_message(standin, "saved to the wallet")
    shown = texts(standin.messages[-1].blocks)
    assert "Card saved to the wallet" in shown
    assert "alice@example.com" in shown
    assert "added now" in shown
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_sigterm_lets_a_save_in_flight_finish_then_exits_0(
    bot: tuple[BotProcess, SlackStandIn], sandbox: Sandbox
) -> None:
    process, standin = bot
    async with httpx.AsyncClient(timeout=10) as http:
        # Each Commerce Layer round trip of the save now takes half a second.
        await confirm_a_save(Harness(process.url, http, standin, sandbox, runtime=None), latency=0.5)  # type: ignore[arg-type]
        process.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.process.wait(), timeout=30)
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
