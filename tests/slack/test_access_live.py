"""With no allow-list, live mode refuses changes and says how to configure the lists."""

from __future__ import annotations

import pytest

from bot.sandbox import Sandbox
from tests.slack.conftest import MakeHarness
from tests.slack.helpers import texts


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(test_mode=False)


async def test_live_mode_without_lists_refuses(make_harness: MakeHarness) -> None:
    slack = await make_harness()
    await slack.command("save 1001 pm_card_visa")
    await slack.command("save 1001")
    await slack.settle()
    refusal = slack.last_message().text
    assert "live mode and no allow-list is configured" in refusal
    assert "WALLET_ALLOWED_USERS" in refusal
    assert "live mode" in texts(slack.open_view()["blocks"])
    assert [r.path for r in slack.sandbox.requests] == ["/oauth/token"]


async def test_live_mode_with_a_list_lets_listed_users_read(make_harness: MakeHarness) -> None:
    slack = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")
    await slack.command("sources 1007")
    await slack.settle()
    message = slack.last_message()
    assert message.text == "1 saved payment sources"
    assert "*live* mode" in texts(message.blocks)
