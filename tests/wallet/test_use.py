"""Using a saved card on an order, against the sandbox over loopback HTTP: the official checkout's
order of calls on the wire, every refusal with nothing sent, and a use whose answer was lost."""

from __future__ import annotations

import asyncio

import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.wallet import Actor, Refused, UseFailed, Wallet, parse_card_ref
from tests.conftest import ACTOR
from tests.wallet.helpers import api_requests, order

BOB_CARD = parse_card_ref(DEMO.bob_card_id)
WHY = Actor("T0TEST", "U0TEST", "customer on the phone")


def writes(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [(method, path) for method, path in api_requests(sandbox) if method != "GET"]


async def test_a_use_puts_the_checkouts_calls_on_the_wire(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.use(order("1009"), parse_card_ref("4444"), WHY)

    assert api_requests(sandbox)[1:] == [
        ("PATCH", f"/api/orders/{DEMO.bob_pending.id}"),
        ("GET", f"/api/orders/{DEMO.bob_pending.id}"),  # read back rather than trusting the PATCH's answer
        ("PATCH", f"/api/stripe_payments/{result.order.payment_source.id if result.order.payment_source else ''}"),
    ]
    use, _, tag = sandbox.requests[-3:]
    assert use.body == {
        "data": {
            "type": "orders",
            "id": DEMO.bob_pending.id,
            "attributes": {"_customer_payment_source_id": DEMO.bob_card_id},
        }
    }
    assert tag.body["data"]["attributes"] == {
        "reference_origin": "wallet-bot",
        "metadata": {
            "wallet_bot_action": "use",
            "slack_team_id": "T0TEST",
            "slack_user_id": "U0TEST",
            "reason": "customer on the phone",
            "order_id": DEMO.bob_pending.id,
            "order_number": "1009",
            "customer_id": DEMO.bob.id,
            "customer_payment_source_id": DEMO.bob_card_id,
        },
    }
    # What the operator sees: the card, and the order as Commerce Layer has it now.
    assert result.card.card.label == "Mastercard •••• 4444 · exp 08/2028"
    assert (result.previous, result.already, result.recorded) == (None, False, True)
    assert result.order.payment_source is not None
    assert result.order.payment_source.payment_method_id == DEMO.bob_card_token


async def test_an_order_without_payment_method_gets_its_stripe_one_first(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.use(order("1010"), parse_card_ref(DEMO.erin_card_ids[1]), ACTOR)
    assert writes(sandbox) == [
        ("PATCH", f"/api/orders/{DEMO.erin_draft.id}"),
        ("PATCH", f"/api/orders/{DEMO.erin_draft.id}"),
        ("PATCH", f"/api/stripe_payments/{result.order.payment_source.id if result.order.payment_source else ''}"),
    ]
    set_method, use = (r for r in sandbox.requests if r.method == "PATCH" and "orders" in r.path)
    assert set_method.body["data"]["relationships"] == {
        "payment_method": {"data": {"type": "payment_methods", "id": DEMO.stripe_method_id}}
    }
    assert use.body["data"]["attributes"] == {"_customer_payment_source_id": DEMO.erin_card_ids[1]}
    assert result.payment_method_set is not None


@pytest.mark.parametrize(
    ("number", "card", "named"),
    [
        ("1001", "4444", "is placed: the customer has checked out"),
        ("1005", "4444", "is cancelled: it was cancelled, so the customer will not be charged"),
        ("1002", "4444", "is placed"),  # a guest order is placed too: its status is named first
        ("1009", DEMO.erin_card_ids[0], "belongs to another customer"),
        ("1009", "1234", "There is no card ending in 1234 in bob@example.com's wallet"),
        ("1010", "4242", "2 cards in erin@example.com's wallet end in 4242"),
        ("1009", "cpsNoSuch01", "There is no saved card cpsNoSuch01"),
    ],
)
async def test_refusals_send_no_write(wallet: Wallet, sandbox: Sandbox, number: str, card: str, named: str) -> None:
    preview = await wallet.use_preview(order(number), parse_card_ref(card))
    assert preview.blocker is not None and named in preview.blocker.message
    with pytest.raises(Refused, match=named.split(":")[0]):
        await wallet.use(order(number), parse_card_ref(card), ACTOR)
    assert writes(sandbox) == []


async def test_approved_paid_and_guest_orders_are_refused(wallet: Wallet, sandbox: Sandbox) -> None:
    pending = sandbox.store.order_by_number("1009")
    assert pending is not None
    pending.payment_status = "paid"
    with pytest.raises(Refused, match="payment is already paid: changing its card now could charge"):
        await wallet.use(order("1009"), BOB_CARD, ACTOR)
    pending.status, pending.payment_status = "approved", "unpaid"
    with pytest.raises(Refused, match="is approved: it was approved for fulfilment"):
        await wallet.use(order("1009"), BOB_CARD, ACTOR)
    guest = sandbox.store.order_by_number("1002")
    assert guest is not None
    guest.status, guest.payment_status = "pending", "unpaid"
    with pytest.raises(Refused, match="is a guest order: a wallet belongs to a customer"):
        await wallet.use(order("1002"), BOB_CARD, ACTOR)
    assert writes(sandbox) == []


async def test_a_card_that_is_not_a_stripe_one_is_refused(wallet: Wallet, sandbox: Sandbox) -> None:
    card = sandbox.store.get("customer_payment_sources", DEMO.bob_card_id)
    assert card is not None
    card.payment_source = ("paypal_payments", "ppPaypal03")  # type: ignore[union-attr]
    with pytest.raises(Refused, match="is not a Stripe card"):
        await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert writes(sandbox) == []


async def test_an_order_that_already_uses_the_card_is_left_as_it_is(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.use(order("1009"), BOB_CARD, ACTOR)
    sandbox.reset_requests()
    again = await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert again.already and writes(sandbox) == []
    assert (await wallet.use_preview(order("1009"), BOB_CARD)).already


async def test_a_use_whose_answer_was_lost_is_looked_up_not_repeated(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", f"^/api/orders/{DEMO.bob_pending.id}$", FaultKind.LOST_RESPONSE)
    result = await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert sandbox.count("PATCH", "^/api/orders/") == 1
    assert len(sandbox.stripe_payments_for(DEMO.bob_pending.id)) == 1
    assert result.recorded and not result.already


async def test_a_use_that_did_not_land_is_sent_once_more(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", f"^/api/orders/{DEMO.bob_pending.id}$", FaultKind.DROP)
    result = await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert sandbox.count("PATCH", "^/api/orders/") == 2
    assert len(sandbox.stripe_payments_for(DEMO.bob_pending.id)) == 1
    assert result.order.payment_source is not None


async def test_a_use_that_cant_be_looked_up_says_it_is_not_known(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", f"^/api/orders/{DEMO.bob_pending.id}$", FaultKind.LOST_RESPONSE)
    sandbox.inject_fault("GET", f"^/api/orders/{DEMO.bob_pending.id}$", FaultKind.STATUS, status=503, times=None)
    with pytest.raises(UseFailed) as caught:
        await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert caught.value.unchanged == ("It is not known whether the order's payment source changed.",)
    assert "looks at the order first" in caught.value.next_step
    assert sandbox.count("PATCH", "^/api/orders/") == 1

    sandbox.clear_faults()
    again = await wallet.use(order("1009"), BOB_CARD, ACTOR)  # running it again finds it done
    assert again.already
    assert len(sandbox.stripe_payments_for(DEMO.bob_pending.id)) == 1


async def test_commerce_layer_refusing_the_use_is_told_with_its_reason(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", "^/api/orders/", FaultKind.STATUS, status=422, code="VALIDATION_ERROR")
    with pytest.raises(Refused, match="Commerce Layer refused saved card Mastercard •••• 4444") as caught:
        await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert caught.value.unchanged == ("Nothing was changed in Commerce Layer.",)


async def test_two_uses_at_once_change_the_order_once(wallet: Wallet, sandbox: Sandbox) -> None:
    first, second = await asyncio.gather(
        wallet.use(order("1009"), BOB_CARD, ACTOR), wallet.use(order("#1009"), BOB_CARD, Actor("T1", "U2"))
    )
    assert sorted([first.already, second.already]) == [False, True]
    assert len(sandbox.stripe_payments_for(DEMO.bob_pending.id)) == 1


async def test_a_use_not_tagged_still_succeeds_and_says_so(wallet: Wallet, sandbox: Sandbox) -> None:
    sandbox.inject_fault("PATCH", "^/api/stripe_payments/", FaultKind.STATUS, status=422, times=None)
    result = await wallet.use(order("1009"), BOB_CARD, ACTOR)
    assert result.order.payment_source is not None and not result.recorded
