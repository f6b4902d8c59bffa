"""The App Home in live mode: with no allow-list, it says changes are refused, and why."""

from __future__ import annotations

import pytest

from bot.sandbox import Sandbox
from tests.commands.test_home import home_text
from tests.support.scenario import MakeHarness


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(test_mode=False)


async def test_live_mode_without_an_allow_list_says_changes_are_refused(make_harness: MakeHarness) -> None:
    scenario = await make_harness()

    shown = await home_text(scenario)
    assert "You can't change wallets." in shown
    assert "live mode and no allow-list is configured" in shown
    assert "Commerce Layer is in *live* mode" in shown
