"""`/wallet remove`: the preview with its destructive Confirm, the DELETE, a card of another customer
or already gone, double clicks, a removal whose answer was lost, and access, played as Slack sends them."""

from __future__ import annotations

from bot.sandbox import DEMO, FaultKind
from tests.support.harness import Harness
from tests.support.reading import button, texts
from tests.support.scenario import MakeHarness

CONFIRM = "wallet_remove_confirm"
FIRST, SECOND = DEMO.erin_card_ids
ERIN_CARD = "Visa •••• 4242 · exp 04/2029"


def deletes(scenario: Harness) -> int:
    return scenario.sandbox.count("DELETE", "^/api/customer_payment_sources/")


async def test_preview_then_remove_deletes_the_card_and_shows_the_wallet(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_AUDIT_CHANNEL="C0AUDIT")
    shown, response_url = await scenario.ask(f"remove erin@example.com {FIRST} entered twice")
    text = texts(shown.blocks)
    assert f"Remove *{ERIN_CARD}* (`{FIRST}`) from *erin@example.com*'s wallet?" in text
    assert "the card itself stays stored in Stripe" in text
    assert f"The wallet holds this card twice: `{SECOND}` stays." in text
    remove = button(shown.blocks, CONFIRM)
    assert remove["style"] == "danger"
    assert (remove["confirm"]["style"], remove["confirm"]["confirm"]["text"]) == ("danger", "Remove card")
    assert FIRST not in remove["value"]
    assert deletes(scenario) == 0

    scenario.sandbox.reset_requests()
    await scenario.press(CONFIRM, remove["value"], response_url=response_url)
    await scenario.settle()

    result = scenario.last_message()
    assert result.replaces is not None
    assert f"*{ERIN_CARD}* is no longer in *erin@example.com*'s wallet" in texts(result.blocks)
    assert f"*Wallet now* (1)\\n• *{ERIN_CARD}* · pm_…4242 · added 2024-01-15 · `{SECOND}`" in texts(result.blocks)
    delete = next(r for r in scenario.sandbox.requests if r.method == "DELETE")
    assert (delete.path, delete.body, delete.status) == (f"/api/customer_payment_sources/{FIRST}", None, 204)
    [audit] = [message.text for message in scenario.standin.messages if message.channel == "C0AUDIT"]
    assert f"<@U0ALLOWED> removed saved card {ERIN_CARD} ({FIRST}) from the wallet of customer {DEMO.erin.id}" in audit
    assert "reason: “entered twice”" in audit


async def test_a_card_of_another_customer_is_refused_with_no_button(scenario: Harness) -> None:
    shown, _ = await scenario.ask(f"remove bob@example.com {FIRST}")
    assert f"Saved card {FIRST} belongs to another customer, not to bob@example.com." in texts(shown.blocks)
    assert CONFIRM not in texts(shown.blocks)
    assert deletes(scenario) == 0


async def test_an_unknown_card_and_several_matches_are_told(scenario: Harness) -> None:
    unknown, _ = await scenario.ask("remove 1007 9999")
    assert "There is no card ending in 9999 in bob@example.com's wallet" in texts(unknown.blocks)
    several, _ = await scenario.ask("remove erin@example.com 4242")
    assert "2 cards in erin@example.com's wallet end in 4242" in texts(several.blocks)
    assert CONFIRM not in texts(unknown.blocks) + texts(several.blocks)
    assert deletes(scenario) == 0


async def test_a_double_click_removes_once(scenario: Harness) -> None:
    _, response_url = await scenario.ask(f"remove erin@example.com {FIRST}")
    value = button(scenario.last_message().blocks, CONFIRM)["value"]
    await scenario.press(CONFIRM, value, response_url=response_url)
    await scenario.press(CONFIRM, value, response_url=response_url)
    await scenario.settle()
    assert deletes(scenario) == 1
    assert sum("This Confirm was already pressed" in m.text for m in scenario.standin.messages) == 1


async def test_a_card_removed_meanwhile_is_told_and_not_deleted_again(scenario: Harness) -> None:
    _, first_url = await scenario.ask(f"remove erin@example.com {FIRST}")
    first = button(scenario.last_message().blocks, CONFIRM)["value"]
    _, second_url = await scenario.ask(f"remove erin@example.com {FIRST}")
    second = button(scenario.last_message().blocks, CONFIRM)["value"]
    await scenario.press(CONFIRM, first, response_url=first_url)
    await scenario.settle()
    await scenario.press(CONFIRM, second, response_url=second_url)
    await scenario.settle()
    shown = texts(scenario.last_message().blocks)
    assert f"Saved card `{FIRST}` was no longer in *erin@example.com*'s wallet: nothing was sent." in shown
    assert deletes(scenario) == 1


async def test_a_removal_whose_answer_was_lost_is_shown_as_done(scenario: Harness) -> None:
    _, response_url = await scenario.ask(f"remove erin@example.com {FIRST}")
    scenario.sandbox.inject_fault("DELETE", "^/api/customer_payment_sources/", FaultKind.LOST_RESPONSE)
    await scenario.confirm(CONFIRM, scenario.last_message(), response_url)
    assert "Card removed from the wallet" in texts(scenario.last_message().blocks)
    assert [card.id for card in scenario.sandbox.wallet(DEMO.erin.id)] == [SECOND]


async def test_removal_is_refused_outside_the_allow_list(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")
    await scenario.command(f"remove erin@example.com {FIRST}", user="U0OUTSIDER")
    await scenario.settle()
    assert "not on Wallet bot's allow-list" in scenario.last_message().text
    assert scenario.sandbox.requests == []  # not even a read of the wallet
