"""`/wallet history`: Wallet bot's recent changes from Commerce Layer's records, as a user reads them."""

from __future__ import annotations

from bot.sandbox import DEMO
from tests.support.harness import Harness
from tests.support.reading import texts
from tests.support.scenario import MakeHarness

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def confirm(scenario: Harness, text: str, action_id: str) -> None:
    message, response_url = await scenario.ask(text)
    await scenario.confirm(action_id, message, response_url)


async def test_the_history_lists_who_did_what_when_and_why(scenario: Harness) -> None:
    await confirm(scenario, f"save 1001 {PM} asked at the counter", "wallet_confirm")
    await confirm(scenario, "use 1009 4444 phone order", "wallet_use_confirm")
    scenario.sandbox.reset_requests()
    await scenario.command("history")
    await scenario.settle()
    message = scenario.last_message()
    assert message.ephemeral
    lines = [block["text"]["text"] for block in message.blocks if block["type"] == "section"]
    assert lines[0] == "*Wallet bot history*"
    used, saved = lines[1].split("\n• ")
    assert "<@U0ALLOWED> used *Mastercard •••• 4444 · exp 08/2028* on order #1009 of bob@example.com" in used
    assert "became the order's payment source\n      _“phone order”_" in used
    assert "<@U0ALLOWED> saved *Mastercard •••• 3429 · exp 10/2028* through order #1001 of alice@example.com" in saved
    assert "saved to the wallet\n      _“asked at the counter”_" in saved
    assert PM not in texts(message.blocks)
    listing = next(r for r in scenario.sandbox.requests if r.path == "/api/stripe_payments")
    assert (listing.query["filter[q][reference_origin_eq]"], listing.query["sort"]) == ("wallet-bot", "-updated_at")


async def test_another_process_shows_the_same_history(scenario: Harness, make_harness: MakeHarness) -> None:
    await confirm(scenario, "use 1009 4444", "wallet_use_confirm")
    elsewhere = await make_harness()  # a second process on the same Commerce Layer: no shared memory
    await elsewhere.command("history @U0ALLOWED")
    await elsewhere.settle()
    shown = texts(elsewhere.last_message().blocks)
    assert "*Wallet bot history* by <@U0ALLOWED>" in shown
    assert "used *Mastercard •••• 4444 · exp 08/2028* on order #1009" in shown


async def test_a_mention_narrows_it_to_that_person(scenario: Harness) -> None:
    await confirm(scenario, "use 1009 4444", "wallet_use_confirm")
    await scenario.command("history <@U0SOMEONE|someone>")
    await scenario.settle()
    assert "No change by Wallet bot is recorded by <@U0SOMEONE>." in texts(scenario.last_message().blocks)


async def test_a_removal_of_a_card_wallet_bot_saved_is_listed(scenario: Harness) -> None:
    await confirm(scenario, f"save 1001 {PM}", "wallet_confirm")
    [saved] = scenario.sandbox.wallet(DEMO.alice.id)
    await confirm(scenario, f"remove alice@example.com {saved.id} customer asked", "wallet_remove_confirm")
    await scenario.command("history alice@example.com")
    await scenario.settle()
    shown = texts(scenario.last_message().blocks)
    assert "*Wallet bot history* for alice@example.com" in shown
    assert "<@U0ALLOWED> removed *Mastercard •••• 3429 · exp 10/2028* saved through order #1001" in shown
    assert "removed from the wallet" in shown and "_“customer asked”_" in shown


async def test_history_is_refused_outside_the_allow_list(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")
    await scenario.command("history 1001", user="U0OUTSIDER")
    await scenario.settle()
    assert "not on Wallet bot's allow-list" in scenario.last_message().text
    assert scenario.sandbox.requests == []
