"""The wallet operations against the sandbox over loopback HTTP: every path of the save."""

from __future__ import annotations

import asyncio

import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.wallet import Actor, InvalidInput, Refused, SaveFailed, Wallet
from tests.conftest import ACTOR

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"


def api_requests(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sandbox.requests if r.path.startswith("/api/")]


async def test_a_save_puts_exactly_the_recipe_on_the_wire(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.save("1001", PM, ACTOR)

    assert api_requests(sandbox) == [
        ("GET", "/api/orders"),
        ("POST", "/api/stripe_payments"),
        ("PATCH", "/api/orders/ordPlaced1"),
    ]
    create, save = sandbox.requests[-2], sandbox.requests[-1]
    assert create.body["data"]["attributes"]["options"] == {"id": PM, "setup_future_usage": "off_session"}
    assert create.body["data"]["relationships"] == {"order": {"data": {"type": "orders", "id": "ordPlaced1"}}}
    assert create.body["data"]["attributes"]["reference_origin"] == "wallet-bot"
    assert create.body["data"]["attributes"]["metadata"]["slack_user_id"] == "U0TEST"
    assert save.query["include"] == "available_customer_payment_sources"
    assert save.body == {
        "data": {"type": "orders", "id": "ordPlaced1", "attributes": {"_save_payment_source_to_customer_wallet": True}}
    }
    assert sandbox.count("POST", "^/oauth/token$") == 1
    # What the operator sees: the new card, marked, in Alice's wallet.
    assert result.added is not None
    assert result.added.card == "pm_…T9Js"
    assert result.created_source and not result.already_in_wallet
    assert [entry.card for entry in result.wallet] == ["pm_…T9Js"]
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_an_order_is_found_by_its_id_too(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.save(DEMO.happy.id, PM, ACTOR)
    assert result.order.number == "1001"
    assert api_requests(sandbox)[0] == ("GET", f"/api/orders/{DEMO.happy.id}")


@pytest.mark.parametrize(
    ("order", "named"),
    [
        ("1002", "guest order"),
        ("1003", "not Stripe"),
        ("1004", "without setup_future_usage: off_session"),
        ("1005", "cancelled"),
        ("9999", "not found"),
    ],
)
async def test_refusals_name_the_problem_and_change_nothing(
    wallet: Wallet, sandbox: Sandbox, order: str, named: str
) -> None:
    with pytest.raises(Refused, match=named) as caught:
        await wallet.save(order, PM, ACTOR)
    assert caught.value.unchanged == ("Nothing was changed in Commerce Layer.",)
    assert caught.value.next_step
    assert sandbox.count("POST", "^/api/") == 0
    assert sandbox.count("PATCH") == 0


async def test_bad_input_sends_nothing(wallet: Wallet, sandbox: Sandbox) -> None:
    for order, pm in [("../x", PM), ("1001", "pm_a b"), ("1001", "card"), ("1001", "pm_x%2F..")]:
        with pytest.raises(InvalidInput):
            await wallet.save(order, pm, ACTOR)
    assert sandbox.requests == []


async def test_an_order_without_payment_method_gets_its_only_stripe_one(wallet: Wallet, sandbox: Sandbox) -> None:
    preview = await wallet.preview("1006")
    assert preview.blocker is None
    assert preview.payment_method_to_set is not None
    assert preview.payment_method_to_set.id == DEMO.stripe_method_id

    result = await wallet.save("1006", PM, ACTOR)

    assert result.payment_method_set is not None
    assert result.added is not None
    set_method = next(r for r in sandbox.requests if r.method == "PATCH")
    assert set_method.body["data"]["relationships"]["payment_method"]["data"]["id"] == DEMO.stripe_method_id


async def test_a_wallet_that_holds_a_card_gains_the_new_one_marked(wallet: Wallet) -> None:
    result = await wallet.save("1007", PM, ACTOR)
    cards = {entry.card: entry.added for entry in result.wallet}
    assert cards == {"pm_…4444": False, "pm_…T9Js": True}


async def test_saving_again_creates_nothing_more(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.save("1001", PM, ACTOR)
    again = await wallet.save("1001", PM, ACTOR)
    assert again.already_in_wallet and not again.created_source
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert len(sandbox.wallet(DEMO.alice.id)) == 1


async def test_two_saves_at_once_create_one_source(wallet: Wallet, sandbox: Sandbox) -> None:
    first, second = await asyncio.gather(wallet.save("1001", PM, ACTOR), wallet.save("#1001", PM, Actor("T1", "U2")))
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert len(sandbox.wallet(DEMO.alice.id)) == 1
    assert sorted([first.already_in_wallet, second.already_in_wallet]) == [False, True]


async def test_a_different_card_on_an_order_with_a_stripe_source_is_refused(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.save("1001", PM, ACTOR)
    with pytest.raises(Refused, match=r"another card \(pm_…T9Js\)"):
        await wallet.save("1001", "pm_card_mastercard", ACTOR)
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_save_that_failed_half_way_is_finished_by_running_it_again(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", r"^/api/orders/ordPlaced1$", FaultKind.STATUS, status=500, times=None)
    with pytest.raises(SaveFailed) as caught:
        await wallet.save("1001", PM, ACTOR)
    error = caught.value
    assert "saving it to the customer's wallet failed" in error.what
    assert any("was created" in line for line in error.changed)
    assert error.unchanged == ("The card is not in the customer's wallet yet.",)
    assert "run the same command again" in error.next_step.lower()
    assert sandbox.wallet(DEMO.alice.id) == []

    sandbox.clear_faults()
    result = await wallet.save("1001", PM, ACTOR)

    assert not result.created_source
    assert result.added is not None
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_create_whose_answer_was_lost_completes_by_itself(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.LOST_RESPONSE)
    result = await wallet.save("1001", PM, ACTOR)
    assert result.added is not None
    assert sandbox.count("POST", "^/api/stripe_payments$") == 1
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.STATUS])
async def test_a_create_that_did_not_land_is_made_once_more(wallet: Wallet, sandbox: Sandbox, kind: FaultKind) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", kind, status=503)
    result = await wallet.save("1001", PM, ACTOR)
    assert result.added is not None
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_create_refused_with_429_is_retried_after_a_pause(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=429, times=2)
    result = await wallet.save("1001", PM, ACTOR)
    assert result.added is not None
    assert sandbox.count("POST", "^/api/stripe_payments$") == 3
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_token_that_expires_in_the_middle_is_renewed_once(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.preview("1001")
    sandbox.expire_tokens()
    result = await wallet.save("1001", PM, ACTOR)
    assert result.added is not None
    assert sandbox.count("POST", "^/oauth/token$") == 2
    assert [r.status for r in sandbox.requests if r.path.startswith("/api/")].count(401) == 1


async def test_previews_say_what_a_save_would_do(wallet: Wallet) -> None:
    happy = await wallet.preview("1001")
    assert (happy.order.number, happy.order.status, happy.mode) == ("1001", "placed", "test")
    assert happy.order.customer is not None and happy.order.customer.email == "alice@example.com"
    assert happy.order.total == "€57,00"
    assert happy.blocker is None and happy.wallet == ()
    guest = await wallet.preview("1002")
    assert isinstance(guest.blocker, Refused)
    bob = await wallet.preview("1007")
    assert [entry.name for entry in bob.wallet] == ["XXXX-XXXX-XXXX-4444"]


async def test_sources_by_email_follow_every_page(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.sources("carol@example.com")
    assert len(result.wallet) == DEMO.carol_card_count
    pages = [r.query.get("page[number]") for r in sandbox.requests if r.path.endswith("/customer_payment_sources")]
    assert pages == ["1", "2"]


async def test_sources_by_order_name_the_customer(wallet: Wallet) -> None:
    result = await wallet.sources("#1007")
    assert result.customer_email == "bob@example.com"
    assert [entry.card for entry in result.wallet] == ["pm_…4444"]


@pytest.mark.parametrize(
    ("ref", "named"),
    [("nobody@example.com", "No customer"), ("1002", "guest order"), ("ZZZZZZZZ", "No order or customer")],
)
async def test_sources_refusals(wallet: Wallet, ref: str, named: str) -> None:
    with pytest.raises(Refused, match=named):
        await wallet.sources(ref)


async def test_sources_of_a_customer_by_id(wallet: Wallet) -> None:
    result = await wallet.sources(DEMO.bob.id)
    assert result.customer_email == "bob@example.com"


async def test_an_integration_without_write_permission_is_told_plainly(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=401, code="UNAUTHORIZED")
    with pytest.raises(SaveFailed, match="not allowed to create the Stripe payment source") as caught:
        await wallet.save("1001", PM, ACTOR)
    assert "role" in caught.value.next_step
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []
