"""`/wallet save <order> <pm_…>`: an ephemeral preview, then Confirm or Cancel."""

from __future__ import annotations

import time

from bot.sandbox import DEMO
from bot.slack.sealed import PendingSave, Sealer
from tests.slack.harness import SIGNING_SECRET, Harness
from tests.slack.helpers import button, texts

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def test_preview_then_confirm_saves_and_shows_the_wallet(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    assert reply.status == 200
    await slack.settle()

    preview = slack.last_message()
    assert preview.ephemeral and preview.via == "response_url"
    shown = texts(preview.blocks)
    assert "alice@example.com" in shown and "#1001" in shown and "€57,00" in shown and "pm_…T9Js" in shown
    assert PM not in shown
    confirm = button(preview.blocks, "wallet_confirm")
    assert confirm["confirm"]["confirm"]["text"] == "Save card"
    assert PM not in confirm["value"]
    assert slack.sandbox.count("POST", "^/api/stripe_payments$") == 0  # nothing changes before Confirm

    pressed = await slack.press("wallet_confirm", confirm["value"], response_url=reply.response_url)
    assert pressed.status == 200
    await slack.settle()

    result = slack.last_message()
    assert result.replaces is not None  # the preview was replaced by the result
    assert "Card saved to the wallet" in texts(result.blocks)
    assert "added now" in texts(result.blocks)
    assert [cps.payment_source_token for cps in slack.sandbox.wallet(DEMO.alice.id)] == [PM]
    assert slack.sandbox.count("POST", "^/api/stripe_payments$") == 1


async def test_cancel_changes_nothing(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    await slack.settle()
    await slack.press("wallet_cancel", "cancel", response_url=reply.response_url)
    await slack.settle()
    assert slack.last_message().text == "Cancelled: nothing was changed."
    assert slack.sandbox.count("POST", "^/api/") == 0


async def test_a_confirm_older_than_15_minutes_is_refused(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    await slack.settle()
    stale = Sealer(SIGNING_SECRET).seal(
        PendingSave(DEMO.happy.id, PM, "U0ALLOWED", "T0CONSOLE"), at=time.time() - 16 * 60
    )
    await slack.press("wallet_confirm", stale, response_url=reply.response_url)
    await slack.settle()
    assert "expired" in slack.last_message().text
    assert slack.sandbox.count("POST", "^/api/") == 0


async def test_a_forged_button_value_is_refused(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    await slack.settle()
    forged = Sealer("another-app-secret").seal(PendingSave(DEMO.happy.id, PM, "U0ALLOWED", "T0CONSOLE"))
    for value in (forged, '{"o": "ordPlaced1", "p": "pm_x"}', ""):
        await slack.press("wallet_confirm", value, response_url=reply.response_url)
        await slack.settle()
        assert "can't be used" in slack.last_message().text
    assert slack.sandbox.count("POST", "^/api/") == 0


async def test_only_the_requester_can_confirm(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    await slack.settle()
    value = button(slack.last_message().blocks, "wallet_confirm")["value"]
    await slack.press("wallet_confirm", value, response_url=reply.response_url, user="U0SOMEONE")
    await slack.settle()
    assert "Only the person who asked" in slack.last_message().text
    assert slack.sandbox.count("POST", "^/api/") == 0


async def test_a_refused_order_gets_no_confirm_button(slack: Harness) -> None:
    await slack.command(f"save 1002 {PM}")
    await slack.settle()
    message = slack.last_message()
    assert "guest order" in texts(message.blocks)
    assert "wallet_confirm" not in texts(message.blocks)


async def test_an_unknown_order_says_so(slack: Harness) -> None:
    await slack.command(f"save 9999 {PM}")
    await slack.settle()
    message = slack.last_message()
    assert "Order #9999 was not found" in message.text
    assert "Nothing was changed" in texts(message.blocks)


async def test_a_double_click_on_confirm_saves_once(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    await slack.settle()
    value = button(slack.last_message().blocks, "wallet_confirm")["value"]
    await slack.press("wallet_confirm", value, response_url=reply.response_url)
    await slack.press("wallet_confirm", value, response_url=reply.response_url)
    await slack.settle()
    assert len(slack.sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert len(slack.sandbox.wallet(DEMO.alice.id)) == 1


async def test_the_preview_reads_once_and_confirm_reads_create_and_save(slack: Harness) -> None:
    reply = await slack.command(f"save 1001 {PM}")
    await slack.settle()
    preview_requests = [r.route for r in slack.sandbox.requests if r.path.startswith("/api/")]
    assert preview_requests == ["GET /api/orders"]
    slack.sandbox.reset_requests()
    value = button(slack.last_message().blocks, "wallet_confirm")["value"]
    await slack.press("wallet_confirm", value, response_url=reply.response_url)
    await slack.settle()
    assert [r.route for r in slack.sandbox.requests] == [
        "GET /api/orders/:id",
        "POST /api/stripe_payments",
        "PATCH /api/orders/:id",
    ]
