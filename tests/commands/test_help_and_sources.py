"""`/wallet`, `/wallet help`, bad arguments and `/wallet sources` (commands/help.py, sources.py, table.py),
as a user sees them."""

from __future__ import annotations

import pytest

from bot.sandbox import FaultKind, Sandbox
from tests.support.harness import Harness
from tests.support.reading import texts


@pytest.mark.parametrize("text", ["", "help", "HELP"])
async def test_help_is_an_instant_ephemeral_usage_with_a_button(scenario: Harness, text: str) -> None:
    reply = await scenario.command(text)
    answer = reply.json()
    assert reply.status == 200
    assert answer["response_type"] == "ephemeral"
    assert "/wallet save 1001" in texts(answer["blocks"])
    assert "wallet_open_form" in texts(answer["blocks"])
    await scenario.settle()
    assert scenario.sandbox.requests == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("frobnicate", "“frobnicate” is not a /wallet command."),
        ("save", "/wallet save needs an order"),
        ("save ../orders", "is not an order number"),
        ("save 1001?include=customer", "is not an order number"),
        ("save 1001 card_123", "should start with pm_"),
        ("save 1001 pm_abc/../x", "'/'"),
        ("save 1001 pm_abc pm_def", "A reason can't hold a Stripe id"),
        ("use", "/wallet use needs an order"),
        ("use 1009 pm_card_visa", "is a Stripe id"),
        ("use 1009 42", "is not a saved card"),
        ("use 1009 4444 " + "why " * 60, "keep it to 200"),
        ("remove 1009", "/wallet remove needs whose wallet and which card"),
        ("remove bob@@example 4444", "not a valid email"),
        ("history 1001 1002", "/wallet history takes at most one"),
        ("history @bob", "is a name, not a Slack user id"),
        ("sources", "/wallet sources needs one order or customer email"),
        ("sources a@b.co extra", "/wallet sources takes only one"),
        ("sources bob@@example", "not a valid email"),
        ("help me", "/wallet help takes no argument"),
    ],
)
async def test_bad_input_names_the_problem_and_calls_nothing(scenario: Harness, text: str, named: str) -> None:
    reply = await scenario.command(text)
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert named in answer["blocks"][0]["text"]["text"]
    await scenario.settle()
    assert scenario.sandbox.requests == []
    assert [call.method for call in scenario.standin.calls if call.method != "auth.test"] == []


async def test_user_text_cannot_ping_a_channel(scenario: Harness) -> None:
    reply = await scenario.command("<!channel>")
    shown = reply.json()["blocks"][0]["text"]["text"]
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown


async def test_sources_by_email_lists_a_long_wallet_with_and_n_more(scenario: Harness) -> None:
    await scenario.command("sources carol@example.com")
    await scenario.settle()
    message = scenario.last_message()
    assert message.ephemeral
    shown = texts(message.blocks)
    assert "carol@example.com" in shown
    assert "*Wallet* (30)" in shown
    assert "…and 10 more." in shown
    assert len(message.blocks) <= 50


async def test_sources_by_order_shows_card_date_and_id_with_short_card_ids(scenario: Harness, sandbox: Sandbox) -> None:
    await scenario.command("sources #1007")
    await scenario.settle()
    shown = texts(scenario.last_message().blocks)
    assert "Mastercard •••• 4444 · exp 08/2028" in shown
    assert "XXXX-XXXX-XXXX-4444" not in shown  # Commerce Layer has the brand and expiry: the name is not needed
    assert "pm_…4444" in shown
    assert "cpsBob0001" in shown
    assert "added 2024-01-15" in shown
    assert "pm_1BobSavedCard00000004444" not in shown


async def test_sources_of_an_unknown_customer_say_so(scenario: Harness) -> None:
    await scenario.command("sources nobody@example.com")
    await scenario.settle()
    assert "No customer with the email nobody@example.com" in scenario.last_message().text


async def test_commerce_layer_down_still_gives_every_user_a_final_answer(scenario: Harness) -> None:
    scenario.sandbox.inject_fault(None, r"^/oauth/token$", FaultKind.STATUS, status=503, times=None)
    await scenario.command("save 1001")
    await scenario.command("sources 1001")
    await scenario.settle()
    assert "could not ask Commerce Layer" in texts(scenario.open_view()["blocks"])
    assert "could not ask Commerce Layer" in scenario.last_message().text
