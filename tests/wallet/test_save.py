"""Saving a card against the sandbox over loopback HTTP: the recipe on the wire, and every recovery."""

from __future__ import annotations

import asyncio

import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.wallet import Actor, InputError, Refused, SaveFailed, Wallet, parse_order_ref, parse_payment_method_id
from tests.conftest import ACTOR
from tests.wallet.helpers import PM, api_requests, card, order


async def test_a_save_puts_exactly_the_recipe_on_the_wire(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.save(order("1001"), PM, ACTOR)

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
    assert save.query["include"] == "available_customer_payment_sources.payment_source"
    assert save.body == {
        "data": {"type": "orders", "id": "ordPlaced1", "attributes": {"_save_payment_source_to_customer_wallet": True}}
    }
    assert sandbox.count("POST", "^/oauth/token$") == 1
    # What the operator sees: the new card, marked, in Alice's wallet.
    assert result.added is not None
    assert result.added.card.masked == "pm_…T9Js"
    assert result.created_source and not result.already_in_wallet
    assert [entry.card.masked for entry in result.wallet] == ["pm_…T9Js"]
    assert result.card == result.added.card  # brand, last 4 and expiry, from Commerce Layer
    assert [cps.payment_source_token for cps in sandbox.wallet(DEMO.alice.id)] == [PM]


async def test_an_order_is_found_by_its_id_too(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.save(order(DEMO.happy.id), PM, ACTOR)
    assert result.order.number == "1001"
    assert api_requests(sandbox)[0] == ("GET", f"/api/orders/{DEMO.happy.id}")


async def test_bad_input_is_refused_before_anything_is_sent(wallet: Wallet, sandbox: Sandbox) -> None:
    for order_text, pm_text in [("../x", PM), ("1001", "pm_a b"), ("1001", "card"), ("1001", "pm_x%2F..")]:
        with pytest.raises(InputError):
            await wallet.save(parse_order_ref(order_text), parse_payment_method_id(pm_text), ACTOR)
    assert sandbox.requests == []


async def test_an_order_without_payment_method_gets_its_only_stripe_one(wallet: Wallet, sandbox: Sandbox) -> None:
    preview = await wallet.preview(order("1006"))
    assert preview.blocker is None
    assert preview.payment_method_to_set is not None
    assert preview.payment_method_to_set.id == DEMO.stripe_method_id

    result = await wallet.save(order("1006"), PM, ACTOR)

    assert result.payment_method_set is not None
    assert result.added is not None
    set_method = next(r for r in sandbox.requests if r.method == "PATCH")
    assert set_method.body["data"]["relationships"]["payment_method"]["data"]["id"] == DEMO.stripe_method_id


async def test_a_wallet_that_holds_a_card_gains_the_new_one_marked(wallet: Wallet) -> None:
    result = await wallet.save(order("1007"), PM, ACTOR)
    cards = {entry.card.masked: entry.added for entry in result.wallet}
    assert cards == {"pm_…4444": False, "pm_…T9Js": True}


async def test_saving_again_creates_nothing_more(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.save(order("1001"), PM, ACTOR)
    again = await wallet.save(order("1001"), PM, ACTOR)
    assert again.already_in_wallet and not again.created_source
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert len(sandbox.wallet(DEMO.alice.id)) == 1


async def test_two_saves_at_once_create_one_source(wallet: Wallet, sandbox: Sandbox) -> None:
    first, second = await asyncio.gather(
        wallet.save(order("1001"), PM, ACTOR), wallet.save(order("#1001"), PM, Actor("T1", "U2"))
    )
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert len(sandbox.wallet(DEMO.alice.id)) == 1
    assert sorted([first.already_in_wallet, second.already_in_wallet]) == [False, True]


async def test_a_save_that_failed_half_way_is_finished_by_running_it_again(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", r"^/api/orders/ordPlaced1$", FaultKind.STATUS, status=500, times=None)
    with pytest.raises(SaveFailed) as caught:
        await wallet.save(order("1001"), PM, ACTOR)
    error = caught.value
    assert "saving it to the customer's wallet failed" in error.what
    assert any("was created" in line for line in error.changed)
    assert error.unchanged == ("The card is not in the customer's wallet yet.",)
    assert "run the same command again" in error.next_step.lower()
    assert sandbox.wallet(DEMO.alice.id) == []

    sandbox.clear_faults()
    result = await wallet.save(order("1001"), PM, ACTOR)

    assert not result.created_source
    assert result.added is not None
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_wallet_save_whose_answer_was_lost_is_found_landed(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", r"^/api/orders/ordPlaced1$", FaultKind.LOST_RESPONSE, times=None)
    result = await wallet.save(order("1001"), PM, ACTOR)
    assert result.added is not None
    assert len(sandbox.wallet(DEMO.alice.id)) == 1


async def test_a_create_whose_answer_was_lost_completes_by_itself(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.LOST_RESPONSE)
    result = await wallet.save(order("1001"), PM, ACTOR)
    assert result.added is not None
    assert sandbox.count("POST", "^/api/stripe_payments$") == 1
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.STATUS])
async def test_a_create_that_did_not_land_is_made_once_more(wallet: Wallet, sandbox: Sandbox, kind: FaultKind) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", kind, status=503)
    result = await wallet.save(order("1001"), PM, ACTOR)
    assert result.added is not None
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_create_refused_with_429_is_retried_after_a_pause(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=429, times=2)
    result = await wallet.save(order("1001"), PM, ACTOR)
    assert result.added is not None
    assert sandbox.count("POST", "^/api/stripe_payments$") == 3
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_a_token_that_expires_in_the_middle_is_renewed_once(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.preview(order("1001"))
    sandbox.expire_tokens()
    result = await wallet.save(order("1001"), PM, ACTOR)
    assert result.added is not None
    assert sandbox.count("POST", "^/oauth/token$") == 2
    assert [r.status for r in sandbox.requests if r.path.startswith("/api/")].count(401) == 1


async def test_an_integration_without_write_permission_is_told_plainly(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=401, code="UNAUTHORIZED")
    with pytest.raises(SaveFailed, match="not allowed to create the Stripe payment source") as caught:
        await wallet.save(order("1001"), PM, ACTOR)
    assert "role" in caught.value.next_step
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []


async def test_a_create_commerce_layer_refuses_is_told_with_its_reason(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=422, code="VALIDATION_ERROR")
    with pytest.raises(Refused, match="refused to create the Stripe payment source for order #1001") as caught:
        await wallet.save(order("1001"), card("pm_card_visa"), ACTOR)
    assert caught.value.unchanged == ("Nothing was changed in Commerce Layer.",)
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []
