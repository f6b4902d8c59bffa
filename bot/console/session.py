"""`python -m bot console`: the real app, the Slack stand-in and (by default) the sandbox, wired
together on loopback and driven from this terminal."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.commercelayer import CommerceLayerError
from bot.console.driver import ConsoleDriver, stdin_lines
from bot.logs import configure_logging, scrub
from bot.sandbox import DEMO, Sandbox
from bot.sandbox.embedded import sandbox_settings
from bot.server import build_runtime, start_server
from bot.settings import Mode, SettingsError, load_settings
from bot.standin import SlackStandIn, start_standin

DEMO_SCRIPT = (
    "# A full save against the sandbox: Alice's order #1001, a Stripe test card, with a reason.",
    "/wallet help",
    "/wallet save 1001",
    "pm_card_visa",
    "customer asked at the counter",
    "/wallet sources alice@example.com",
    "/wallet save 1007 pm_card_mastercard card for later orders",
    "1",
    "y",
    "# Bob's pending phone order #1009 is charged on a saved card: two of his end in 4444.",
    "/wallet use 1009 4444",
    f"/wallet use 1009 {DEMO.bob_card_id} phone order",
    "1",
    "y",
    "# The App Home: what you may do, whether you may change wallets, and your own recent changes.",
    "/home",
    "# Who did what, from Commerce Layer's own records.",
    "/wallet history",
)


BULK_DEMO_ORDERS = 40


def bulk_demo(folder: Path) -> tuple[Sandbox, tuple[str, ...]]:
    """A sandbox with a backlog of phone orders, at Commerce Layer's test-mode rate limits, a CSV
    file of their cards in `folder` (and three rows that can't be saved), and the script that saves
    them in bulk, then runs the same file again."""
    sandbox = Sandbox()
    sandbox.rate_limits = True
    orders = [sandbox.add_order(customer_email=f"phone{i:02d}@example.com") for i in range(BULK_DEMO_ORDERS)]
    rows = [f"{order.number},pm_1PhoneOrder{i:04d}Vq,phone order backlog" for i, order in enumerate(orders)]
    rows += ["1002,pm_1GuestOrder0001Vq,guest order", "1001,not-a-card", f"{orders[0].number},{rows[0].split(',')[1]}"]
    path = folder / "phone-orders.csv"
    path.write_text("order,pm,reason\n" + "\n".join(rows) + "\n", encoding="utf-8")
    script = (
        f"# Bulk save: a backlog of {BULK_DEMO_ORDERS} phone orders from a CSV file, at Commerce Layer's test-mode "
        "rate limits.",
        "/wallet bulk",
        "",
        str(path),
        "# The check lists the rows that can't be saved; Confirm saves the others, and the progress shows.",
        "/submit",
        "# The same file again: nothing is created twice, every saved card is already in its wallet.",
        "/wallet bulk",
        "",
        str(path),
        "/submit",
    )
    return sandbox, script


async def run_console(
    *,
    live: bool,
    lines: Iterable[str] | AsyncIterator[str] | None = None,
    out: TextIO = sys.stdout,
    sandbox: Sandbox | None = None,
) -> int:
    configure_logging(level=logging.WARNING)
    try:
        settings = load_settings(Mode.CONSOLE, sandbox=not live)
    except SettingsError as error:
        for line in error.lines:
            print(f"wallet-bot: {line}", file=sys.stderr)
        return 2
    bot_token, signing_secret = f"xoxb-console-{secrets.token_hex(8)}", secrets.token_hex(16)
    scrub.add(
        [bot_token, signing_secret, settings.CL_CLIENT_SECRET.get_secret_value() if settings.CL_CLIENT_SECRET else None]
    )
    standin = SlackStandIn(bot_token=bot_token)
    slack = await start_standin(standin)
    settings = settings.model_copy(
        update={
            "SLACK_BOT_TOKEN": SecretStr(bot_token),
            "SLACK_SIGNING_SECRET": SecretStr(signing_secret),
            "SLACK_API_URL": slack.api_url,
        }
    )
    stops: list[Callable[[], Awaitable[None]]] = [slack.stop]
    if not live:
        settings, stop_sandbox = await sandbox_settings(settings, sandbox)
        stops.append(stop_sandbox)
    runtime = build_runtime(settings)
    server = await start_server(runtime)
    stops.append(server.stop)
    try:
        if not await _banner(runtime.cl.mode, live, out):
            return 1
        driver = ConsoleDriver(
            server.url + "/slack/events",
            signing_secret,
            standin,
            out,
            wait_idle=lambda: runtime.drain.wait_idle(120.0),
        )
        interactive = lines is None and sys.stdin.isatty()
        await driver.run(lines if lines is not None else stdin_lines(), interactive=interactive)
    finally:
        for stop in reversed(stops):
            await stop()
    return 0


async def _banner(mode: Callable[[], Awaitable[str]], live: bool, out: TextIO) -> bool:
    try:
        current = await mode()
    except CommerceLayerError as error:
        print(f"wallet-bot: Commerce Layer can't be reached with these settings: {error.message}", file=sys.stderr)
        return False
    where = "the configured Commerce Layer" if live else "the built-in sandbox"
    print(
        f"Wallet bot console: Slack played in this terminal, against {where} ({current} mode).\n"
        "Type /wallet help, /wallet save 1001, or shortcut wallet_save. Numbers press buttons; /quit leaves.",
        file=out,
    )
    return True
