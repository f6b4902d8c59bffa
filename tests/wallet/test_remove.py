"""Removing a saved card, against the sandbox over loopback HTTP: the requests, a card already gone
or of another customer (no DELETE), a removal whose answer was lost, and its record for the history."""

from __future__ import annotations

import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.wallet import Actor, Owner, Refused, RemoveFailed, Wallet, parse_card_ref, parse_customer_ref
from tests.conftest import ACTOR
from tests.wallet.helpers import PM, api_requests, order

ERIN = Owner(DEMO.erin.id, DEMO.erin.email)
BOB = Owner(DEMO.bob.id, DEMO.bob.email)
FIRST, SECOND = DEMO.erin_card_ids


def deletes(sandbox: Sandbox) -> int:
    return sandbox.count("DELETE", "^/api/customer_payment_sources/")


async def test_a_preview_names_the_card_and_flags_its_twin(wallet: Wallet, sandbox: Sandbox) -> None:
    preview = await wallet.remove_preview(parse_customer_ref("erin@example.com"), parse_card_ref(FIRST))
    assert preview.card is not None and preview.blocker is None
    assert (preview.card.card.label, preview.card.duplicate_of) == ("Visa •••• 4242 · exp 04/2029", SECOND)
    ambiguous = await wallet.remove_preview(parse_customer_ref("1010"), parse_card_ref("4242"))
    assert (
        ambiguous.blocker is not None and "2 cards in erin@example.com's wallet end in 4242" in ambiguous.blocker.what
    )
    assert deletes(sandbox) == 0


async def test_a_removal_reads_the_card_deletes_it_and_shows_the_wallet(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.remove(ERIN, FIRST, ACTOR)
    assert api_requests(sandbox) == [
        ("GET", f"/api/customer_payment_sources/{FIRST}"),
        ("DELETE", f"/api/customer_payment_sources/{FIRST}"),
        ("GET", f"/api/customers/{DEMO.erin.id}/customer_payment_sources"),
    ]
    assert sandbox.requests[-3].query["include"] == "customer,payment_source"
    assert [entry.id for entry in result.wallet] == [SECOND]
    assert result.wallet[0].duplicate_of is None  # its twin is gone
    # Erin's cards were not saved by Wallet bot: Commerce Layer keeps nothing to tag.
    assert (result.already_gone, result.recorded) == (False, False)


async def test_a_card_wallet_bot_saved_keeps_a_record_of_its_removal(wallet: Wallet, sandbox: Sandbox) -> None:
    saved = await wallet.save(order("1001"), PM, ACTOR)
    assert saved.added is not None
    sandbox.reset_requests()
    result = await wallet.remove(Owner(DEMO.alice.id, None), saved.added.id, Actor("T0TEST", "U0OTHER", "asked"))
    assert result.recorded
    tag = next(r for r in sandbox.requests if r.method == "PATCH")
    assert tag.path == f"/api/stripe_payments/{saved.stripe_payment_id}"
    metadata = tag.body["data"]["attributes"]["metadata"]
    assert metadata["slack_user_id"] == "U0TEST"  # who saved it stays
    assert metadata["removed"]["slack_user_id"] == "U0OTHER"
    assert (metadata["removed"]["reason"], metadata["removed"]["customer_payment_source_id"]) == (
        "asked",
        saved.added.id,
    )


async def test_a_card_already_gone_is_told_and_no_delete_is_sent(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.remove(ERIN, FIRST, ACTOR)
    sandbox.reset_requests()
    again = await wallet.remove(ERIN, FIRST, ACTOR)  # a second click, or someone else was faster
    assert again.already_gone
    assert deletes(sandbox) == 0


async def test_a_card_of_another_customer_is_refused_and_not_deleted(wallet: Wallet, sandbox: Sandbox) -> None:
    with pytest.raises(Refused, match=f"Saved card {FIRST} belongs to another customer, not to bob@example.com"):
        await wallet.remove(BOB, FIRST, ACTOR)
    preview = await wallet.remove_preview(parse_customer_ref("bob@example.com"), parse_card_ref(FIRST))
    assert preview.blocker is not None and "belongs to another customer" in preview.blocker.what
    assert deletes(sandbox) == 0
    assert len(sandbox.wallet(DEMO.erin.id)) == 2


async def test_a_removal_whose_answer_was_lost_is_looked_up_not_repeated(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("DELETE", "^/api/customer_payment_sources/", FaultKind.LOST_RESPONSE)
    result = await wallet.remove(ERIN, FIRST, ACTOR)
    assert not result.already_gone  # told as removed by this request, not "removed meanwhile"
    assert [entry.id for entry in result.wallet] == [SECOND]
    assert [card.id for card in sandbox.wallet(DEMO.erin.id)] == [SECOND]


async def test_a_removal_that_did_not_land_is_sent_once_more(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("DELETE", "^/api/customer_payment_sources/", FaultKind.STATUS, status=503)
    await wallet.remove(ERIN, FIRST, ACTOR)
    assert deletes(sandbox) == 2
    assert [card.id for card in sandbox.wallet(DEMO.erin.id)] == [SECOND]


async def test_a_removal_with_no_answer_at_all_says_what_is_known(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("DELETE", "^/api/customer_payment_sources/", FaultKind.STATUS, status=503, times=None)
    with pytest.raises(RemoveFailed) as caught:
        await wallet.remove(ERIN, FIRST, ACTOR)
    assert caught.value.unchanged == ("The wallet was read again: the card is still in it.",)
    assert "removes nothing twice" in caught.value.next_step
    assert deletes(sandbox) == 2


async def test_a_card_commerce_layer_keeps_is_told_why(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("DELETE", "^/api/customer_payment_sources/", FaultKind.STATUS, status=423, code="LOCKED")
    with pytest.raises(Refused, match="something still uses it, such as a subscription"):
        await wallet.remove(ERIN, FIRST, ACTOR)
    assert len(sandbox.wallet(DEMO.erin.id)) == 2
