"""The App Home over real HTTP: what a user reads on opening it, and what its buttons open."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.sandbox import FaultKind
from bot.standin.payloads import app_home_opened, press_in_view, pressed_button
from commands.home.views import BULK_ACTION, FIND_ACTION, FIND_FORM, SAVE_ACTION, USE_ACTION, USE_ORDER_FORM
from commands.save.views import ORDER_FORM
from commands.use.views import USE_FORM
from tests.support.harness import USER, Harness
from tests.support.reading import button, texts
from tests.support.scenario import MakeHarness

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


async def open_tab(scenario: Harness, user: str = USER, tab: str = "home") -> dict[str, Any] | None:
    """The user opens the app's tab; the Home the app published for them, once its work is done."""
    who = scenario.who(user)
    attempt = await scenario.event(app_home_opened(who, tab=tab, view=scenario.standin.home_view(user)))
    assert attempt.status == 200
    await scenario.settle()
    return scenario.standin.home_view(user)


async def open_home(scenario: Harness, user: str = USER) -> dict[str, Any]:
    home = await open_tab(scenario, user)
    assert home is not None and home["type"] == "home", "a Home was published"
    return home


async def home_text(scenario: Harness, user: str = USER) -> str:
    """What the user reads on their Home tab, once opened."""
    return texts((await open_home(scenario, user))["blocks"])


async def press_home(scenario: Harness, home: dict[str, Any], action_id: str) -> None:
    action = pressed_button(button(home["blocks"], action_id), "home_actions")
    payload = press_in_view(scenario.who(), action, trigger_id=scenario.standin.new_trigger_id(), view=home)
    assert (await scenario.interact(payload)).status == 200
    await scenario.settle()


async def test_an_allowed_user_sees_what_they_can_do_and_why(scenario: Harness) -> None:
    home = await open_home(scenario)

    shown = texts(home["blocks"])
    for action in (SAVE_ACTION, USE_ACTION, FIND_ACTION, BULK_ACTION):
        button(home["blocks"], action)
    assert "You may change wallets." in shown
    assert "test mode and no allow-list is configured" in shown
    assert "Commerce Layer is in *test* mode" in shown
    assert "None yet: saves and uses you make with Wallet bot appear here." in shown
    first, second = scenario.standin.calls_to("views.publish")
    assert "Reading them from Commerce Layer" in texts(first.args["view"]["blocks"])
    assert second.args["hash"] == first.response["view"]["hash"], "the update is guarded against a newer Home"


async def test_a_user_off_the_allow_list_is_told_why_and_how_to_get_access(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0SOMEONE")

    shown = await home_text(scenario)
    assert "You can't change wallets." in shown
    assert "You are not on Wallet bot's allow-list." in shown
    assert "(U0ALLOWED) to WALLET_ALLOWED_USERS" in shown


async def test_a_listed_user_is_told_which_list_lets_them(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")

    shown = await home_text(scenario)

    assert "You may change wallets.* Your Slack user id is on WALLET_ALLOWED_USERS." in shown


async def test_the_users_own_recent_changes_are_shown_after_a_save(scenario: Harness) -> None:
    message, response_url = await scenario.ask(f"save 1001 {PM} asked at the counter")
    await scenario.confirm("wallet_confirm", message, response_url)
    scenario.sandbox.reset_requests()

    shown = await home_text(scenario)
    assert "*Your recent changes*" in shown
    assert "<@U0ALLOWED> saved *Mastercard •••• 3429 · exp 10/2028* through order #1001 of alice@example.com" in shown
    assert "asked at the counter" in shown
    assert PM not in shown
    reads = [request.path for request in scenario.sandbox.requests]
    assert reads == ["/api/stripe_payments"], "one Commerce Layer request for the whole Home"
    assert "None yet" in await home_text(scenario, "U0SOMEONE"), "each user sees their own changes"


async def test_commerce_layer_failing_still_publishes_the_home(scenario: Harness) -> None:
    scenario.sandbox.inject_fault("GET", r"^/api/stripe_payments", FaultKind.STATUS, status=503, times=None)

    shown = await home_text(scenario)
    assert "You may change wallets." in shown
    assert "They couldn't be read:" in shown and "Open this tab again to retry." in shown


async def test_the_messages_tab_publishes_nothing(scenario: Harness) -> None:
    assert await open_tab(scenario, tab="messages") is None
    assert scenario.standin.calls_to("views.publish") == []


async def test_a_user_flicking_tabs_causes_one_build(scenario: Harness) -> None:
    who = scenario.who()
    opened = app_home_opened(who)

    attempts = await asyncio.gather(*(scenario.event(opened) for _ in range(3)))
    await scenario.settle()

    assert [attempt.status for attempt in attempts] == [200, 200, 200]
    assert [request.path for request in scenario.sandbox.requests].count("/api/stripe_payments") == 1
    assert len(scenario.standin.calls_to("views.publish")) == 2


async def test_save_a_card_opens_the_save_modal(scenario: Harness) -> None:
    home = await open_home(scenario)

    await press_home(scenario, home, SAVE_ACTION)

    assert scenario.open_view()["callback_id"] == ORDER_FORM


async def test_use_a_saved_card_asks_for_the_order_then_shows_the_use_form(scenario: Harness) -> None:
    home = await open_home(scenario)
    await press_home(scenario, home, USE_ACTION)
    asking = scenario.open_view()
    assert asking["callback_id"] == USE_ORDER_FORM

    refused = await scenario.submit(asking, {"ask": {"ref": "not an order!"}})
    assert refused.json()["response_action"] == "errors"
    await scenario.submit(asking, {"ask": {"ref": "1009"}})
    await scenario.settle()

    form = scenario.open_view()
    assert form["callback_id"] == USE_FORM
    assert "#1009" in texts(form["blocks"]) and "Mastercard •••• 4444" in texts(form["blocks"])


async def test_find_a_wallet_shows_the_customers_saved_cards(scenario: Harness) -> None:
    home = await open_home(scenario)
    await press_home(scenario, home, FIND_ACTION)
    asking = scenario.open_view()
    assert asking["callback_id"] == FIND_FORM

    await scenario.submit(asking, {"ask": {"ref": "bob@example.com"}})
    await scenario.settle()

    shown = texts(scenario.open_view()["blocks"])
    assert "Saved payment sources of *bob@example.com*" in shown
    assert "Mastercard •••• 4444" in shown


async def test_find_a_wallet_of_an_unknown_customer_asks_again(scenario: Harness) -> None:
    home = await open_home(scenario)
    await press_home(scenario, home, FIND_ACTION)

    await scenario.submit(scenario.open_view(), {"ask": {"ref": "nobody@example.com"}})
    await scenario.settle()

    again = scenario.open_view()
    assert again["callback_id"] == FIND_FORM
    assert "nobody@example.com" in texts(again["blocks"])


async def test_bulk_save_from_the_home_reports_in_the_users_dm(scenario: Harness) -> None:
    placed = scenario.sandbox.add_order(customer_email="homebulk@example.com")
    home = await open_home(scenario)

    await press_home(scenario, home, BULK_ACTION)
    form = scenario.open_view()
    assert form["title"]["text"] == "Bulk save"
    await scenario.submit(form, {"rows": {"text": f"{placed.number}, pm_1HomeBulkCard01Zz, from the Home"}})
    await scenario.settle()
    await scenario.submit(scenario.open_view(), {})
    await scenario.settle()

    # No channel behind a Home button: the progress message and the report go to the user's DM.
    posted = [m for m in scenario.standin.messages if m.via == "chat.postMessage" and m.channel == USER]
    assert posted, "the progress message was posted to the user's DM"
    assert [c.payment_source_token for c in scenario.sandbox.wallet(placed.customer_id or "")] == [
        "pm_1HomeBulkCard01Zz"
    ]
    assert scenario.standin.files.shared_in(USER)


async def test_a_publish_over_slacks_rate_limit_is_retried_after_the_wait(scenario: Harness) -> None:
    scenario.standin.rate_limit("views.publish", times=1, retry_after=0)

    shown = await home_text(scenario)

    assert "You may change wallets." in shown
    statuses = [call.status for call in scenario.standin.calls_to("views.publish")]
    assert statuses == [429, 200, 200]
