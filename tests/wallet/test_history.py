"""The history, read back from Commerce Layer's records of Wallet bot's changes (a fresh Wallet: no
memory of its own), narrowed to an order, a customer or a person."""

from __future__ import annotations

import json

import pytest

from bot.commercelayer import CommerceLayer
from bot.sandbox import DEMO, Sandbox
from bot.wallet import Actor, Owner, SaveFailed, Wallet, parse_card_ref, parse_history_ref
from tests.wallet.helpers import PM, order

ALEX = Actor("T0TEST", "U0ALEX", "customer asked")
SAM = Actor("T0TEST", "U0SAM", "duplicate")


async def three_changes(wallet: Wallet) -> None:
    """Alex saves a card through #1001 and uses Bob's card on #1009; Sam removes the card Alex saved."""
    saved = await wallet.save(order("1001"), PM, ALEX)
    await wallet.use(order("1009"), parse_card_ref("4444"), ALEX)
    assert saved.added is not None
    await wallet.remove(Owner(DEMO.alice.id, None), saved.added.id, SAM)


async def test_every_change_newest_first_with_who_what_and_why(wallet: Wallet, cl: CommerceLayer) -> None:
    await three_changes(wallet)
    history = await Wallet(cl).history()  # another process, or after a restart: nothing in memory
    assert [(e.action, e.user_id, e.order_number, e.customer, e.reason) for e in history.events] == [
        ("remove", "U0SAM", "1001", "alice@example.com", "duplicate"),
        ("use", "U0ALEX", "1009", "bob@example.com", "customer asked"),
        ("save", "U0ALEX", "1001", "alice@example.com", "customer asked"),
    ]
    assert [e.result for e in history.events] == [
        "removed from the wallet",
        "became the order's payment source",
        "saved to the wallet",
    ]
    assert [e.card.label for e in history.events][1] == "Mastercard •••• 4444 · exp 08/2028"
    assert all(e.card.masked != "unknown card" for e in history.events)
    assert (history.scope, history.more) == ("", False)


async def test_it_reads_with_commerce_layers_filters(wallet: Wallet, sandbox: Sandbox) -> None:
    await three_changes(wallet)
    sandbox.reset_requests()
    await wallet.history(parse_history_ref("<@U0SAM|sam>"))
    lists = [r for r in sandbox.requests if r.path == "/api/stripe_payments"]
    assert {r.query["filter[q][reference_origin_eq]"] for r in lists} == {"wallet-bot"}
    assert {(r.query["sort"], r.query["include"]) for r in lists} == {("-updated_at", "order")}
    filters = [json.loads(r.query["filter[q][metadata_jcont]"]) for r in lists]
    assert sorted(filters, key=json.dumps) == [{"removed": {"slack_user_id": "U0SAM"}}, {"slack_user_id": "U0SAM"}]


async def test_it_narrows_to_a_person_an_order_or_a_customer(wallet: Wallet) -> None:
    await three_changes(wallet)
    by_sam = await wallet.history(parse_history_ref("<@U0SAM|sam>"))
    assert [(e.action, e.user_id) for e in by_sam.events] == [("remove", "U0SAM")]
    assert by_sam.scope == "by <@U0SAM>"
    by_order = await wallet.history(parse_history_ref("#1009"))
    assert [e.action for e in by_order.events] == ["use"]
    by_customer = await wallet.history(parse_history_ref("alice@example.com"))
    assert [e.action for e in by_customer.events] == ["remove", "save"]
    nobody = await wallet.history(parse_history_ref("<@U0NOBODY>"))
    assert nobody.events == ()


async def test_a_save_that_stopped_before_the_wallet_says_so(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", "^/api/orders/", status=500, times=None)
    with pytest.raises(SaveFailed):
        await wallet.save(order("1001"), PM, ALEX)
    [event] = (await wallet.history()).events
    assert (event.action, event.result) == ("save", "not in the wallet now")
