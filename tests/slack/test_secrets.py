"""No secret, token or full `pm_…` id reaches a log line or anything sent to Slack."""

from __future__ import annotations

import io

import pytest

from bot.sandbox import DEMO, FaultKind
from bot.slack.sealed import PendingSave, Sealer
from bot.wallet import Wallet
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, Harness
from tests.support.reading import button

CARDS = ("pm_1IixtoEw0yMev2I0jGzoT9Js", "pm_1MqM05LkdIwHu7ixlDxxO6Mc", "pm_1NbAdCardWithAVeryLongId0001")


async def test_a_busy_session_leaks_nothing(scenario: Harness, log_stream: io.StringIO) -> None:
    first, second, third = CARDS
    # Confirm flow, a modal save, a half-way failure, a malformed id, and a list.
    reply = await scenario.command(f"save 1001 {first}")
    await scenario.settle()
    await scenario.press(
        "wallet_confirm",
        button(scenario.last_message().blocks, "wallet_confirm")["value"],
        response_url=reply.response_url,
    )
    await scenario.command("save 1007")
    await scenario.settle()
    await scenario.submit(scenario.open_view(), {"card": {"pm": second}})
    await scenario.settle()
    scenario.sandbox.inject_fault("PATCH", r"^/api/orders/ordCarol08$", FaultKind.STATUS, status=500, times=None)
    await scenario.command(f"save 1008 {third}")
    await scenario.settle()
    await scenario.press(
        "wallet_confirm", button(scenario.last_message().blocks, "wallet_confirm")["value"], response_url=None
    )
    await scenario.command(f"save 1001 {third}?")
    await scenario.command("sources bob@example.com")
    await scenario.settle()

    access_token = (await scenario.runtime.cl.token()).value
    sent_to_slack = "\n".join(call.body for call in scenario.standin.calls)
    logged = log_stream.getvalue()
    assert "audit" in logged and "cl.request" in logged  # the logs were captured
    assert "T9Js" in sent_to_slack  # cards are shown, shortened
    for secret in (BOT_TOKEN, SIGNING_SECRET, DEMO.client_secret, access_token, *CARDS):
        assert secret not in logged
        assert secret not in sent_to_slack


async def test_an_unexpected_failure_still_answers_and_leaks_nothing(
    scenario: Harness, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bug can't be produced through the wire on purpose: this stands one in for the preview.
    async def broken(self: Wallet, order: str, pm_id: str | None = None) -> None:
        raise RuntimeError(f"bug while holding {BOT_TOKEN}")

    monkeypatch.setattr(Wallet, "preview", broken)
    await scenario.command("save 1001")
    await scenario.command("save 1001 pm_card_visa")
    await scenario.settle()
    assert "Something unexpected went wrong inside Wallet bot" in str(scenario.open_view()["blocks"])
    assert "Something unexpected went wrong inside Wallet bot" in scenario.last_message().text
    assert "RuntimeError" in log_stream.getvalue()
    assert BOT_TOKEN not in log_stream.getvalue()


async def test_a_bug_anywhere_in_a_listener_still_gets_a_final_word(
    scenario: Harness, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Again a stand-in for a bug: sealing the Confirm button fails after the acknowledgement.
    def broken(self: Sealer, pending: PendingSave, *, at: float | None = None) -> str:
        raise ValueError(f"bug with {SIGNING_SECRET}")

    monkeypatch.setattr(Sealer, "seal", broken)
    reply = await scenario.command("save 1001 pm_card_visa")
    await scenario.settle()
    assert reply.status == 200
    message = scenario.last_message()
    assert message.ephemeral
    assert "Something went wrong inside Wallet bot (reference " in message.text
    assert "slack.listener_failed" in log_stream.getvalue()
    assert SIGNING_SECRET not in log_stream.getvalue()


async def test_a_response_url_outside_slack_is_never_posted_to(scenario: Harness, log_stream: io.StringIO) -> None:
    # A submission whose metadata names another host (only a forged payload could): the save
    # happens and shows in the modal, and nothing is sent to that host.
    await scenario.command("save 1001")
    await scenario.settle()
    form = scenario.open_view()
    tampered = {
        **form,
        "private_metadata": form["private_metadata"].replace(scenario.standin.base_url or "", "http://127.0.0.2:9"),
    }
    await scenario.submit(tampered, {"card": {"pm": "pm_card_visa"}})
    await scenario.settle()
    assert "Card saved to the wallet" in str(scenario.open_view()["blocks"])
    assert "slack.response_url_not_slack" in log_stream.getvalue()
    assert not any(message.via == "response_url" for message in scenario.standin.messages)
