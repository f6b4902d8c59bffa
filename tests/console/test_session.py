"""`python -m bot console`: the real app, the stand-in and the sandbox, played from a script."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console.session import DEMO_SCRIPT, run_console


@pytest.fixture(autouse=True)
def no_developer_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("WALLET_ALLOWED_USERS", "WALLET_ALLOWED_USERGROUPS", "WALLET_ALLOWED_CHANNELS", "CL_API_URL"):
        monkeypatch.delenv(name, raising=False)


async def test_the_demo_script_saves_a_card_from_command_to_wallet() -> None:
    out = io.StringIO()
    assert await run_console(live=False, lines=DEMO_SCRIPT, out=out) == 0
    transcript = out.getvalue()
    assert "against the built-in sandbox (test mode)" in transcript
    assert "> /wallet save 1001" in transcript
    assert "Stripe PaymentMethod id: pm_card_visa" in transcript
    assert "Card *Visa •••• 4242 · exp 12/2030* is now in *alice@example.com*'s wallet (order #1001)." in transcript
    assert "*Wallet* (2)" in transcript  # Bob's wallet: his old card and the new one
    # Bob's pending order is charged on one of his saved cards, and the history tells who did what.
    assert "2 cards in bob@example.com's wallet end in 4444" in transcript
    assert "Order #1009 of *bob@example.com* will be charged on *Mastercard •••• 4444 · exp 08/2028*." in transcript
    history = transcript.split("> /wallet history")[-1]
    assert history.count("@U0CONSOLE") == 3
    assert "_“customer asked at the counter”_" in history
    assert "pm_card_visa" not in transcript.replace("Stripe PaymentMethod id: pm_card_visa", "")


async def test_a_script_with_bad_input_gets_inline_errors_and_goes_on() -> None:
    out = io.StringIO()
    # The save form asks for the card, then for an optional reason (left empty here).
    script = ["/wallet save 1001", "card_123", "", "pm_card_visa", "/wallet frobnicate", "/quit", "/wallet help"]
    assert await run_console(live=False, lines=script, out=out) == 0
    transcript = out.getvalue()
    assert "should start with pm_" in transcript
    assert "Card saved to the wallet" in transcript
    assert "“frobnicate” is not a /wallet command." in transcript
    assert "Open the save form" not in transcript.split("/quit")[-1]  # nothing ran after /quit


async def test_live_without_credentials_names_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_console(live=True, lines=[], out=io.StringIO()) == 2
    assert "CL_CLIENT_ID: missing" in capsys.readouterr().err
