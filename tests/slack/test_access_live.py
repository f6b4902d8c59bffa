"""With no allow-list, live mode refuses changes and says how to configure the lists."""

from __future__ import annotations

import pytest

from bot.sandbox import Sandbox
from tests.support.reading import texts
from tests.support.scenario import MakeHarness


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(test_mode=False)


async def test_live_mode_without_lists_refuses(make_harness: MakeHarness) -> None:
    scenario = await make_harness()
    await scenario.command("save 1001 pm_card_visa")
    await scenario.command("save 1001")
    await scenario.settle()
    refusal = scenario.last_message().text
    assert "live mode and no allow-list is configured" in refusal
    assert "WALLET_ALLOWED_USERS" in refusal
    assert "live mode" in texts(scenario.open_view()["blocks"])
    assert [r.path for r in scenario.sandbox.requests] == ["/oauth/token"]


async def test_live_mode_with_a_list_lets_listed_users_read(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")
    await scenario.command("sources 1007")
    await scenario.settle()
    message = scenario.last_message()
    assert message.text == "1 saved payment sources"
    assert "*live* mode" in texts(message.blocks)
