"""The App Home in the console: `/home` shows the Home tab, and its buttons open their modals."""

from __future__ import annotations

from bot.console.session import DEMO_SCRIPT
from tests.console.test_lifecycle_scripts import no_developer_settings, transcript

__all__ = ["no_developer_settings"]  # the fixture: no developer's settings leak into the console


async def test_home_shows_the_home_tab_and_its_buttons_work() -> None:
    shown = await transcript("/home", "3", "bob@example.com")
    assert "Home tab:\n+-- Home --" in shown
    assert "You may change wallets." in shown
    assert "[3] Find a wallet  [4] Bulk save" in shown
    assert "Saved payment sources of *bob@example.com*" in shown


async def test_the_demo_ends_on_the_home_with_the_changes_it_made() -> None:
    shown = await transcript(*DEMO_SCRIPT)
    home = shown[shown.rindex("+-- Home --") : shown.index("> /wallet history")]
    assert "*Your recent changes*" in home
    assert "@U0CONSOLE used *Mastercard •••• 4444 · exp 08/2028* on order #1009" in home
