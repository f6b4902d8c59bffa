"""`/wallet`, `/wallet help`, bad arguments and `/wallet sources`."""

from __future__ import annotations

import pytest

from bot.commercelayer import RetryPolicy
from bot.sandbox import FaultKind, Sandbox
from tests.slack.conftest import MakeHarness
from tests.slack.harness import Harness
from tests.slack.helpers import input_blocks, texts


@pytest.mark.parametrize("text", ["", "help", "HELP"])
async def test_help_is_an_instant_ephemeral_usage_with_a_button(slack: Harness, text: str) -> None:
    reply = await slack.command(text)
    answer = reply.json()
    assert reply.status == 200
    assert answer["response_type"] == "ephemeral"
    assert "/wallet save 1001" in texts(answer["blocks"])
    assert "wallet_open_form" in texts(answer["blocks"])
    await slack.settle()
    assert slack.sandbox.requests == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("frobnicate", "“frobnicate” is not a /wallet command."),
        ("save", "/wallet save needs an order"),
        ("save ../orders", "is not an order number"),
        ("save 1001?include=customer", "is not an order number"),
        ("save 1001 card_123", "should start with pm_"),
        ("save 1001 pm_abc/../x", "'/'"),
        ("save 1001 pm_abc pm_def", "takes an order and, optionally, one pm_"),
        ("sources", "/wallet sources needs one order or customer email"),
        ("sources a@b.co extra", "/wallet sources takes only one"),
        ("sources bob@@example", "not a valid email"),
        ("help me", "/wallet help takes no argument"),
    ],
)
async def test_bad_input_names_the_problem_and_calls_nothing(slack: Harness, text: str, named: str) -> None:
    reply = await slack.command(text)
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert named in answer["blocks"][0]["text"]["text"]
    await slack.settle()
    assert slack.sandbox.requests == []
    assert [call.method for call in slack.standin.calls if call.method != "auth.test"] == []


async def test_user_text_cannot_ping_a_channel(slack: Harness) -> None:
    reply = await slack.command("<!channel>")
    shown = reply.json()["blocks"][0]["text"]["text"]
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown


async def test_sources_by_email_lists_a_long_wallet_with_and_n_more(slack: Harness) -> None:
    await slack.command("sources carol@example.com")
    await slack.settle()
    message = slack.last_message()
    assert message.ephemeral
    shown = texts(message.blocks)
    assert "carol@example.com" in shown
    assert "*Wallet* (30)" in shown
    assert "…and 10 more." in shown
    assert len(message.blocks) <= 50


async def test_sources_by_order_shows_name_date_and_id_with_short_card_ids(slack: Harness, sandbox: Sandbox) -> None:
    await slack.command("sources #1007")
    await slack.settle()
    shown = texts(slack.last_message().blocks)
    assert "XXXX-XXXX-XXXX-4444" in shown
    assert "pm_…4444" in shown
    assert "cpsBob0001" in shown
    assert "added 2024-01-15" in shown
    assert "pm_1BobSavedCard00000004444" not in shown


async def test_sources_of_an_unknown_customer_say_so(slack: Harness) -> None:
    await slack.command("sources nobody@example.com")
    await slack.settle()
    assert "No customer with the email nobody@example.com" in slack.last_message().text


async def test_health_check_answers_without_calling_anything(slack: Harness) -> None:
    response = await slack.http.get(slack.url + "/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert slack.sandbox.requests == []
    assert slack.standin.calls == []


async def test_every_request_is_acknowledged_before_commerce_layer_answers(make_harness: MakeHarness) -> None:
    slack = await make_harness(retry=RetryPolicy(request_timeout=10.0))
    # Commerce Layer takes over 3 s a request here: longer than Slack's deadline on its own.
    slack.sandbox.latency = 3.1
    save = await slack.command("save 1001 pm_card_visa")
    modal = await slack.command("save 1001")
    sources = await slack.command("sources 1001")
    for reply in (save, modal, sources):
        assert reply.status == 200
        assert reply.elapsed < 3.0
    await slack.settle()
    assert input_blocks(slack.open_view()) == ["card"]
    assert any("Save card pm_…visa" in message.text for message in slack.standin.messages)


async def test_commerce_layer_down_still_gives_every_user_a_final_answer(slack: Harness) -> None:
    slack.sandbox.inject_fault(None, r"^/oauth/token$", FaultKind.STATUS, status=503, times=None)
    await slack.command("save 1001")
    await slack.command("sources 1001")
    await slack.settle()
    assert "could not ask Commerce Layer" in texts(slack.open_view()["blocks"])
    assert "could not ask Commerce Layer" in slack.last_message().text
