"""`/wallet use`, `/wallet remove`, `/wallet history` and the message shortcut played from piped scripts,
as a user reads them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console.session import run_console
from bot.sandbox import DEMO


@pytest.fixture(autouse=True)
def no_developer_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("WALLET_ALLOWED_USERS", "WALLET_ALLOWED_USERGROUPS", "WALLET_ALLOWED_CHANNELS", "CL_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("WALLET_REQUIRE_REASON", raising=False)


async def transcript(*lines: str) -> str:
    out = io.StringIO()
    assert await run_console(live=False, lines=lines, out=out) == 0
    return out.getvalue()


async def test_use_by_command_with_confirm_then_history() -> None:
    shown = await transcript("/wallet use 1009 4444 phone order", "1", "y", "/wallet history")
    assert "Use *Mastercard •••• 4444 · exp 08/2028* on order *#1009* of *bob@example.com*?" in shown
    assert "[y] Use card  [N] Back" in shown
    assert "Order #1009 of *bob@example.com* will be charged on *Mastercard •••• 4444 · exp 08/2028*." in shown
    assert "@U0CONSOLE used *Mastercard •••• 4444 · exp 08/2028* on order #1009 of bob@example.com" in shown
    assert "_“phone order”_" in shown
    assert DEMO.bob_card_token not in shown


async def test_use_in_the_modal_picks_from_a_list_and_from_a_search() -> None:
    listed = await transcript("/wallet use 1010", "2", "second entry")
    assert "1) Visa •••• 4242 · exp 04/2029 · added 2024-01-15 · cpsErin001 · duplicate?" in listed
    assert "The order's payment method was set to Stripe card first." in listed
    searched = await transcript("/wallet use 1011", "9999", "2005", "1", "")
    assert "Nothing matches: type something else, or /cancel." in searched
    assert "will be charged on *Mastercard •••• 2005 · exp 08/2032*" in searched


async def test_remove_names_twins_asks_to_confirm_and_shows_the_wallet() -> None:
    shown = await transcript(f"/wallet remove erin@example.com {DEMO.erin_card_ids[0]} entered twice", "1", "y")
    assert "same card as `cpsErin002`: likely a duplicate" in shown
    assert "[y] Remove card  [N] Back" in shown
    assert "Card removed from the wallet" in shown
    assert "*Wallet now* (1)" in shown


async def test_refusals_read_as_the_operator_expects() -> None:
    shown = await transcript("/wallet use 1001 4444", "/wallet use 1010 4242", "/wallet history @bob")
    assert "Order #1001 is placed: the customer has checked out" in shown
    assert "2 cards in erin@example.com's wallet end in 4242" in shown
    assert "“@bob” is a name, not a Slack user id" in shown


async def test_the_message_shortcut_reads_the_message_and_saves_the_picked_card() -> None:
    text = "Orders #1001 and #1007: card pm_card_visa or `pm_card_mastercard`"
    shown = await transcript(f"message-shortcut wallet_save_message {text}", "1", "2", "")
    assert "1) Order #1001  2) Order #1007" in shown
    assert "1) pm_…visa · id 1 of 2 in the message  2) pm_…card · id 2 of 2 in the message" in shown
    assert "Card *Mastercard •••• 4444 · exp 11/2029* is now in *alice@example.com*'s wallet" in shown
