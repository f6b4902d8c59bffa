"""The real web process: SIGTERM with saves in flight, and memory over 2,000 commands."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import psutil
import pytest

from bot.sandbox import Sandbox
from bot.slack.sealed import PendingSave, Sealer
from tests.reliability.figures import FIGURES
from tests.reliability.process import bot_process, final_for
from tests.support.harness import CHANNEL, SIGNING_SECRET, TEAM, USER, Harness

PM = "pm_card_visa"
IN_FLIGHT = 20
EXIT_LIMIT = 30.0
COMMANDS = 2000
FIRST = 200
RATE = 40.0  # commands per second
RSS_MARGIN = 0.10


async def confirm_save(harness: Harness, sealer: Sealer, sandbox: Sandbox, email: str) -> tuple[str, int]:
    """A Confirm pressed for a fresh order: (its number, the acknowledgement status)."""
    order = sandbox.add_order(customer_email=email)
    value = sealer.seal(PendingSave(order.id, PM, USER, TEAM))
    url = harness.standin.new_response_url(CHANNEL, user_id=USER)
    reply = await harness.press("wallet_confirm", value, response_url=url)
    return order.number, reply.status


@pytest.mark.reliability
async def test_sigterm_with_20_saves_in_flight(tmp_path: Path) -> None:
    group = "Shutdown"
    sandbox = Sandbox()
    async with bot_process(sandbox, tmp_path) as (bot, harness):
        sandbox.latency = 0.0
        await harness.command("help")  # warm up: first request, token
        sandbox.latency = 1.0  # each Commerce Layer request takes a second: saves take a few
        sealer = Sealer(SIGNING_SECRET)
        pressed = await asyncio.gather(
            *(confirm_save(harness, sealer, sandbox, f"shutdown{i}@example.com") for i in range(IN_FLIGHT))
        )
        in_flight = await bot.in_flight()
        started = time.monotonic()
        bot.terminate()
        code = await bot.exited(EXIT_LIMIT + 5)
        took = time.monotonic() - started

    finished = told = silent = 0
    for number, status in pressed:
        final = final_for(harness.standin, number)
        if "saved to the wallet" in final:
            finished += 1
        elif final:
            told += 1
        else:
            silent += 1
        FIGURES.case(
            group, "saves in flight at SIGTERM", failed=status != 200 or not final, note=f"#{number}: {final!r}"
        )
    FIGURES.zero(group, "users left without a final message", silent)
    FIGURES.zero(group, "exit status other than 0", int(code != 0))
    FIGURES.zero(group, "exits later than 30 s after SIGTERM", int(code is None or took > EXIT_LIMIT))
    FIGURES.value(group, "saves in flight when SIGTERM was sent (the bot's /healthz)", str(in_flight))
    FIGURES.value(group, "saves that finished / whose user was told", f"{finished} / {told}")
    FIGURES.value(group, "exit status, time from SIGTERM to exit", f"{code}, {took:.1f} s")
    assert in_flight == IN_FLIGHT
    assert silent == 0
    assert code == 0
    assert took <= EXIT_LIMIT


@pytest.mark.reliability
async def test_2000_mixed_commands_leave_memory_flat(tmp_path: Path) -> None:
    group = "Endurance"
    sandbox = Sandbox()
    async with bot_process(sandbox, tmp_path) as (bot, harness):
        process = psutil.Process(bot.popen.pid)
        sealer = Sealer(SIGNING_SECRET)
        counter = itertools.count()

        saves: list[str] = []

        async def one(kind: str) -> tuple[str, int]:
            n = next(counter)
            if kind == "confirmed save":
                number, status = await confirm_save(harness, sealer, sandbox, f"endurance{n}@example.com")
                saves.append(number)
                return kind, status
            text = {
                "help": "help",
                "unknown sub-command": f"frobnicate {n}",
                "bad order": "save ../1001",
                "preview with Confirm": f"save 100{n % 8 + 1} {PM}",
                "save modal": f"save 100{n % 8 + 1}",
                "sources by email": "sources bob@example.com",
                "sources by order": "sources 1008",
            }[kind]
            return kind, (await harness.command(text)).status

        kinds = itertools.cycle(
            [
                "help",
                "preview with Confirm",
                "sources by email",
                "save modal",
                "confirmed save",
                "unknown sub-command",
                "sources by order",
                "preview with Confirm",
                "bad order",
                "confirmed save",
            ]
        )

        async def run(count: int) -> list[tuple[str, int]]:
            """`count` commands at RATE per second, each sent on time whether or not the last one ended."""
            start = time.monotonic()
            tasks = []
            for i in range(count):
                await asyncio.sleep(max(0.0, start + i / RATE - time.monotonic()))
                tasks.append(asyncio.create_task(one(next(kinds))))
            return list(await asyncio.gather(*tasks))

        results = await run(FIRST)
        await bot.settle(harness.standin)
        rss_first = process.memory_info().rss
        started = time.monotonic()
        results += await run(COMMANDS - FIRST)
        await bot.settle(harness.standin)
        took = time.monotonic() - started + FIRST / RATE
        rss_end = process.memory_info().rss
        unsaved = [n for n in saves if "saved to the wallet" not in final_for(harness.standin, n)]

    for kind, status in results:
        FIGURES.case(group, kind, failed=status != 200, note=f"HTTP {status}")
    growth = (rss_end - rss_first) / rss_first
    FIGURES.zero(group, "commands not acknowledged with 200", sum(1 for _, status in results if status != 200))
    FIGURES.zero(group, "confirmed saves whose user was not shown the card saved", len(unsaved))
    FIGURES.zero(group, "RSS growth beyond 10 %", int(growth > RSS_MARGIN))
    FIGURES.value(group, "commands, rate", f"{len(results)} at {RATE:.0f} per second (about {took:.0f} s)")
    FIGURES.value(group, f"RSS after the first {FIRST}", f"{rss_first / 2**20:.1f} MiB")
    FIGURES.value(group, f"RSS after all {COMMANDS}", f"{rss_end / 2**20:.1f} MiB ({growth:+.1%})")
    assert len(results) == COMMANDS
    assert all(status == 200 for _, status in results)
    assert unsaved == []
    assert growth <= RSS_MARGIN
