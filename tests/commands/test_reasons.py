"""Every change carries who and why: the reason typed after a command's arguments, or in a modal's
field, reaches Commerce Layer's metadata; WALLET_REQUIRE_REASON=true makes it required."""

from __future__ import annotations

import pytest

from bot.sandbox import DEMO
from tests.support.harness import Harness
from tests.support.reading import input_blocks, texts
from tests.support.scenario import MakeHarness

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


@pytest.fixture
async def strict(make_harness: MakeHarness) -> Harness:
    return await make_harness(WALLET_REQUIRE_REASON="true")


@pytest.mark.parametrize(
    "text", [f"save 1001 {PM}", "use 1009 4444", f"remove erin@example.com {DEMO.erin_card_ids[0]}"]
)
async def test_a_change_without_a_reason_is_a_usage_error_and_calls_nothing(strict: Harness, text: str) -> None:
    answer = (await strict.command(text)).json()
    assert answer["response_type"] == "ephemeral"
    assert "A reason is required with every change here" in answer["blocks"][0]["text"]["text"]
    await strict.settle()
    assert strict.sandbox.requests == []


async def test_the_save_modal_asks_for_it_and_names_it_when_missing(strict: Harness) -> None:
    await strict.command("save 1001")
    await strict.settle()
    view = strict.open_view()
    reason = next(block for block in view["blocks"] if block.get("block_id") == "reason")
    assert reason.get("optional") is False
    answer = (await strict.submit(view, {"card": {"pm": "card_123"}})).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"card", "reason"}  # every problem at once
    assert "A reason is required" in answer["errors"]["reason"]
    assert strict.sandbox.count("POST", "^/api/") == 0


async def test_the_use_modal_names_a_missing_reason(strict: Harness) -> None:
    await strict.command("use 1009")
    await strict.settle()
    view = strict.open_view()
    assert input_blocks(view) == ["saved_card", "reason"]
    picker = next(block for block in view["blocks"] if block.get("block_id") == "saved_card")["element"]
    chosen = {"type": "static_select", "selected_option": picker["options"][0]}
    answer = (await strict.submit(view, {"saved_card": {"pick": chosen}})).json()
    assert answer == {
        "response_action": "errors",
        "errors": {"reason": "A reason is required with every change here: say why it is made."},
    }


async def test_a_save_carries_its_reason_to_commerce_layer(scenario: Harness) -> None:
    message, response_url = await scenario.ask(f"save 1001 {PM} customer asked at the counter")
    await scenario.confirm("wallet_confirm", message, response_url)
    create = next(r for r in scenario.sandbox.requests if r.method == "POST" and r.path == "/api/stripe_payments")
    metadata = create.body["data"]["attributes"]["metadata"]
    assert metadata == {
        "wallet_bot_action": "save",
        "slack_team_id": "T0CONSOLE",
        "slack_user_id": "U0ALLOWED",
        "reason": "customer asked at the counter",
        "order_id": DEMO.happy.id,
        "order_number": "1001",
        "customer_id": DEMO.alice.id,
    }


async def test_a_save_of_a_card_the_wallet_holds_says_so_before_confirm(scenario: Harness) -> None:
    await scenario.command(f"save 1007 {DEMO.bob_card_token}")
    await scenario.settle()
    shown = texts(scenario.last_message().blocks)
    assert "The wallet already holds this card: *Mastercard •••• 4444 · exp 08/2028* (`cpsBob0001`)" in shown
    assert DEMO.bob_card_token not in shown
