"""`/wallet save <order> <pm_…>`: an ephemeral preview, then Confirm or Cancel."""

from __future__ import annotations

import time

import pytest

from bot.sandbox import DEMO
from bot.slack.sealed import PendingSave, Sealer
from tests.support.harness import SIGNING_SECRET, Harness
from tests.support.reading import button, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def test_preview_then_confirm_saves_and_shows_the_wallet(scenario: Harness) -> None:
    reply = await scenario.command(f"save 1001 {PM}")
    assert reply.status == 200
    await scenario.settle()

    preview = scenario.last_message()
    assert preview.ephemeral and preview.via == "response_url"
    shown = texts(preview.blocks)
    assert "alice@example.com" in shown and "#1001" in shown and "€57,00" in shown and "pm_…T9Js" in shown
    assert PM not in shown
    confirm = button(preview.blocks, "wallet_confirm")
    assert confirm["confirm"]["confirm"]["text"] == "Save card"
    assert PM not in confirm["value"]
    assert scenario.sandbox.count("POST", "^/api/stripe_payments$") == 0  # nothing changes before Confirm

    pressed = await scenario.press("wallet_confirm", confirm["value"], response_url=reply.response_url)
    assert pressed.status == 200
    await scenario.settle()

    result = scenario.last_message()
    assert result.replaces is not None  # the preview was replaced by the result
    assert "Card saved to the wallet" in texts(result.blocks)
    assert "added now" in texts(result.blocks)
    assert [cps.payment_source_token for cps in scenario.sandbox.wallet(DEMO.alice.id)] == [PM]
    assert scenario.sandbox.count("POST", "^/api/stripe_payments$") == 1


async def test_cancel_changes_nothing(scenario: Harness) -> None:
    reply = await scenario.command(f"save 1001 {PM}")
    await scenario.settle()
    await scenario.press("wallet_cancel", "cancel", response_url=reply.response_url)
    await scenario.settle()
    assert scenario.last_message().text == "Cancelled: nothing was changed."
    assert scenario.sandbox.count("POST", "^/api/") == 0


# Button values the app must refuse, and what it says: one it sealed too long ago, and forgeries.
PENDING = PendingSave(DEMO.happy.id, PM, "U0ALLOWED", "T0CONSOLE")
REFUSED_VALUES = [
    pytest.param(Sealer(SIGNING_SECRET).seal(PENDING, at=time.time() - 16 * 60), "expired", id="older than 15 minutes"),
    pytest.param(Sealer("another-app-secret").seal(PENDING), "can't be used", id="sealed by another app"),
    pytest.param('{"o": "ordPlaced1", "p": "pm_x"}', "can't be used", id="not sealed"),
    pytest.param("", "can't be used", id="empty"),
    # Sealed by this app's key but holding what no preview would (an older version, a leaked key):
    # its ids are checked again, so nothing reaches a Commerce Layer URL.
    pytest.param(
        Sealer(SIGNING_SECRET).seal(PendingSave("../", PM, "U0ALLOWED", "T0CONSOLE")), "can't be used", id="order ../"
    ),
    pytest.param(
        Sealer(SIGNING_SECRET).seal(PendingSave(DEMO.happy.id, "pm_a/b", "U0ALLOWED", "T0CONSOLE")),
        "can't be used",
        id="card with a slash",
    ),
]


@pytest.mark.parametrize(("value", "said"), REFUSED_VALUES)
async def test_a_stale_or_forged_confirm_is_refused(scenario: Harness, value: str, said: str) -> None:
    reply = await scenario.command(f"save 1001 {PM}")
    await scenario.settle()
    await scenario.press("wallet_confirm", value, response_url=reply.response_url)
    await scenario.settle()
    assert said in scenario.last_message().text
    assert scenario.sandbox.count("POST", "^/api/") == 0
    assert not [request for request in scenario.sandbox.requests if "%2F" in request.raw_path or ".." in request.path]


async def test_only_the_requester_can_confirm(scenario: Harness) -> None:
    reply = await scenario.command(f"save 1001 {PM}")
    await scenario.settle()
    value = button(scenario.last_message().blocks, "wallet_confirm")["value"]
    await scenario.press("wallet_confirm", value, response_url=reply.response_url, user="U0SOMEONE")
    await scenario.settle()
    assert "Only the person who asked" in scenario.last_message().text
    assert scenario.sandbox.count("POST", "^/api/") == 0


async def test_a_refused_order_gets_no_confirm_button(scenario: Harness) -> None:
    await scenario.command(f"save 1002 {PM}")
    await scenario.settle()
    message = scenario.last_message()
    assert "guest order" in texts(message.blocks)
    assert "wallet_confirm" not in texts(message.blocks)


async def test_an_unknown_order_says_so(scenario: Harness) -> None:
    await scenario.command(f"save 9999 {PM}")
    await scenario.settle()
    message = scenario.last_message()
    assert "Order #9999 was not found" in message.text
    assert "Nothing was changed" in texts(message.blocks)


async def test_a_double_click_on_confirm_saves_once(scenario: Harness) -> None:
    reply = await scenario.command(f"save 1001 {PM}")
    await scenario.settle()
    value = button(scenario.last_message().blocks, "wallet_confirm")["value"]
    await scenario.press("wallet_confirm", value, response_url=reply.response_url)
    await scenario.press("wallet_confirm", value, response_url=reply.response_url)
    await scenario.settle()
    assert len(scenario.sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert len(scenario.sandbox.wallet(DEMO.alice.id)) == 1


async def test_the_preview_reads_once_and_confirm_reads_create_and_save(scenario: Harness) -> None:
    reply = await scenario.command(f"save 1001 {PM}")
    await scenario.settle()
    preview_requests = [r.route for r in scenario.sandbox.requests if r.path.startswith("/api/")]
    assert preview_requests == ["GET /api/orders"]
    scenario.sandbox.reset_requests()
    value = button(scenario.last_message().blocks, "wallet_confirm")["value"]
    await scenario.press("wallet_confirm", value, response_url=reply.response_url)
    await scenario.settle()
    assert [r.route for r in scenario.sandbox.requests] == [
        "GET /api/orders/:id",
        "POST /api/stripe_payments",
        "PATCH /api/orders/:id",
    ]
