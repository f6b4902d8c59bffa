"""The demo organization: fixed ids that tests, the README and the console rely on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.cards import Card, card_of, customer_token
from bot.sandbox.models import (
    CustomerPaymentSourceRecord,
    CustomerRecord,
    OrderRecord,
    PaymentGatewayRecord,
    PaymentMethodRecord,
    PaypalPaymentRecord,
    Store,
    StripePaymentRecord,
)
from bot.sandbox.operations import attach_payment


@dataclass(frozen=True)
class DemoOrder:
    id: str
    number: str
    customer_id: str | None = None
    demonstrates: str = ""


@dataclass(frozen=True)
class DemoCustomer:
    id: str
    email: str
    wallet: str


_BOB_CARD = Card("mastercard", "4444", 8, 2028)
_ERIN_CARD = Card("visa", "4242", 4, 2029)


@dataclass(frozen=True)
class Demo:
    client_id: str = "sandbox-client-id"
    client_secret: str = "sandbox-client-secret"
    slug: str = "wallet-sandbox"
    stripe_method_id: str = "pmStripe01"
    paypal_method_id: str = "pmPaypal01"
    stripe_gateway_id: str = "gwStripe01"
    paypal_gateway_id: str = "gwPaypal01"
    alice: DemoCustomer = DemoCustomer("cusAlice01", "alice@example.com", "empty")
    bob: DemoCustomer = DemoCustomer("cusBob0001", "bob@example.com", "one card (cpsBob0001, 4444)")
    carol: DemoCustomer = DemoCustomer("cusCarol01", "carol@example.com", "30 cards (pagination)")
    dave: DemoCustomer = DemoCustomer("cusDave001", "dave@example.com", "empty")
    erin: DemoCustomer = DemoCustomer("cusErin001", "erin@example.com", "one Visa 4242 saved twice (a duplicate)")
    frank: DemoCustomer = DemoCustomer("cusFrank01", "frank@example.com", "120 cards (a picker that searches)")
    bob_card_id: str = "cpsBob0001"
    bob_card_name: str = "XXXX-XXXX-XXXX-4444"
    bob_card_token: str = "pm_1BobSavedCard00000004444"
    bob_card: Card = _BOB_CARD
    erin_card_ids: tuple[str, str] = ("cpsErin001", "cpsErin002")
    erin_card: Card = _ERIN_CARD
    carol_card_count: int = 30
    frank_card_count: int = 120
    happy: DemoOrder = DemoOrder("ordPlaced1", "1001", "cusAlice01", "happy path: save a card for Alice")
    guest: DemoOrder = DemoOrder("ordGuest02", "1002", None, "guest order: no wallet (refused)")
    paypal: DemoOrder = DemoOrder("ordPaypal3", "1003", "cusAlice01", "PayPal method and source (refused)")
    no_off_session: DemoOrder = DemoOrder(
        "ordNoOff04", "1004", "cusDave001", "Stripe source created without off_session (refused)"
    )
    cancelled: DemoOrder = DemoOrder("ordCancel5", "1005", "cusAlice01", "cancelled order (refused)")
    no_method: DemoOrder = DemoOrder(
        "ordNoPm006", "1006", "cusAlice01", "pending, no payment method: one Stripe method available"
    )
    bob_order: DemoOrder = DemoOrder("ordBob0007", "1007", "cusBob0001", "customer with a saved card")
    carol_order: DemoOrder = DemoOrder("ordCarol08", "1008", "cusCarol01", "customer with 30 saved cards")
    bob_pending: DemoOrder = DemoOrder(
        "ordBobPnd9", "1009", "cusBob0001", "pending, Stripe method, no payment source: use a saved card"
    )
    erin_draft: DemoOrder = DemoOrder(
        "ordErinD10", "1010", "cusErin001", "draft, no payment method: a use sets Stripe first"
    )
    frank_pending: DemoOrder = DemoOrder(
        "ordFrank11", "1011", "cusFrank01", "pending, 120 saved cards: the use form's picker searches"
    )

    @property
    def orders(self) -> tuple[DemoOrder, ...]:
        return (
            self.happy,
            self.guest,
            self.paypal,
            self.no_off_session,
            self.cancelled,
            self.no_method,
            self.bob_order,
            self.carol_order,
            self.bob_pending,
            self.erin_draft,
            self.frank_pending,
        )

    @property
    def customers(self) -> tuple[DemoCustomer, ...]:
        return (self.alice, self.bob, self.carol, self.dave, self.erin, self.frank)


DEMO = Demo()
_PLACED_AT = "2024-05-02T09:30:00.000Z"
_OLD = "2024-01-15T10:00:00.000Z"


def load_demo(store: Store) -> None:
    _load_methods(store)
    for customer in DEMO.customers:
        store.add(CustomerRecord(customer.id, email=customer.email, created_at=_OLD, updated_at=_OLD))
    _load_orders(store)
    _load_bob_wallet(store)
    _load_carol_wallet(store)
    _load_erin_wallet(store)
    _load_frank_wallet(store)


def _load_methods(store: Store) -> None:
    store.add(PaymentGatewayRecord(DEMO.stripe_gateway_id, name="Stripe (test)"))
    store.add(PaymentGatewayRecord(DEMO.paypal_gateway_id, name="PayPal (sandbox)"))
    store.add(PaymentMethodRecord(DEMO.stripe_method_id, "Stripe card", "stripe_payments", DEMO.stripe_gateway_id))
    store.add(PaymentMethodRecord(DEMO.paypal_method_id, "PayPal", "paypal_payments", DEMO.paypal_gateway_id))


def placed_order(
    id_: str, number: str, customer: DemoCustomer | None, cents: int, method: str | None, status: str = "placed"
) -> OrderRecord:
    """An order as the demo and load tests need it: placed, with Stripe and PayPal available."""
    return OrderRecord(
        id_,
        number,
        status,
        customer.id if customer else None,
        customer.email if customer else "guest@example.com",
        cents,
        method,
        [DEMO.stripe_method_id, DEMO.paypal_method_id],
        guest=customer is None,
        placed_at=_PLACED_AT if status in ("placed", "cancelled") else None,
        payment_status={"placed": "authorized", "cancelled": "voided"}.get(status, "unpaid"),
    )


def _load_orders(store: Store) -> None:
    stripe, paypal = DEMO.stripe_method_id, DEMO.paypal_method_id
    orders = [
        placed_order(DEMO.happy.id, "1001", DEMO.alice, 5700, stripe),
        placed_order(DEMO.guest.id, "1002", None, 2450, stripe),
        placed_order(DEMO.paypal.id, "1003", DEMO.alice, 12000, paypal),
        placed_order(DEMO.no_off_session.id, "1004", DEMO.dave, 8990, stripe),
        placed_order(DEMO.cancelled.id, "1005", DEMO.alice, 3100, stripe, status="cancelled"),
        placed_order(DEMO.no_method.id, "1006", DEMO.alice, 4500, None, status="pending"),
        placed_order(DEMO.bob_order.id, "1007", DEMO.bob, 7600, stripe),
        placed_order(DEMO.carol_order.id, "1008", DEMO.carol, 1999, stripe),
        placed_order(DEMO.bob_pending.id, "1009", DEMO.bob, 6400, stripe, status="pending"),
        placed_order(DEMO.erin_draft.id, "1010", DEMO.erin, 3900, None, status="draft"),
        placed_order(DEMO.frank_pending.id, "1011", DEMO.frank, 8800, stripe, status="pending"),
    ]
    orders[4].cancelled_at = "2024-05-03T08:00:00.000Z"
    for order in orders:
        store.add(order)
    paypal_payment = PaypalPaymentRecord(
        "ppPaypal03", order_id=DEMO.paypal.id, payment_gateway_id=DEMO.paypal_gateway_id
    )
    store.add(paypal_payment)
    orders[2].payment_source = (paypal_payment.TYPE, paypal_payment.id)
    options = {"id": "pm_1DaveCard000000000000001"}
    dave_payment = StripePaymentRecord(
        "spNoOff004", order_id=DEMO.no_off_session.id, payment_gateway_id=DEMO.stripe_gateway_id, options=options
    )
    dave_payment.payment_instrument = card_of(options["id"]).instrument()
    store.add(dave_payment)
    attach_payment(orders[3], dave_payment)


def _old_order(store: Store, id_: str, number: str, customer: DemoCustomer) -> OrderRecord:
    order = placed_order(id_, number, customer, 2500, DEMO.stripe_method_id)
    order.created_at = order.updated_at = _OLD
    store.add(order)
    return order


def _saved_card(
    store: Store, order: OrderRecord, payment_id: str, source_id: str, token: str, card: Card | None = None
) -> None:
    """A card saved to the wallet the way the recipe does it: a stripe payment, then the wallet entry."""
    card = card or card_of(token)
    options = {"payment_method": token, "setup_future_usage": "off_session"}
    payment = StripePaymentRecord(
        payment_id,
        order_id=order.id,
        payment_gateway_id=DEMO.stripe_gateway_id,
        options=options,
        payment_instrument=card.instrument(),
    )
    store.add(payment)
    attach_payment(order, payment)
    assert order.customer_id is not None
    store.add(
        CustomerPaymentSourceRecord(
            source_id,
            name=card.name,
            customer_id=order.customer_id,
            payment_method_id=DEMO.stripe_method_id,
            payment_source=(payment.TYPE, payment.id),
            customer_token=customer_token(order.customer_id),
            payment_source_token=token,
            created_at=_OLD,
            updated_at=_OLD,
        )
    )


def _load_bob_wallet(store: Store) -> None:
    order = _old_order(store, "ordBobOld0", "901", DEMO.bob)
    _saved_card(store, order, "spBobOld01", DEMO.bob_card_id, DEMO.bob_card_token, DEMO.bob_card)


def _load_carol_wallet(store: Store) -> None:
    """Thirty cards, one per older order (numbers 701-730), to page through."""
    for i in range(1, DEMO.carol_card_count + 1):
        order = _old_order(store, f"ordCarOld{i:02d}", str(700 + i), DEMO.carol)
        token = f"pm_1CarolCard{i:02d}0000000000{1000 + i}"
        _saved_card(store, order, f"spCarOld{i:02d}", f"cpsCarol{i:02d}", token)


def _load_erin_wallet(store: Store) -> None:
    """One card entered twice (two PaymentMethods of one card), saved through two older orders (801, 802)."""
    for i, source_id in enumerate(DEMO.erin_card_ids, 1):
        order = _old_order(store, f"ordErinOl{i}", str(800 + i), DEMO.erin)
        token = f"pm_1ErinCard{i}Entered0000004242"
        _saved_card(store, order, f"spErinOld{i}", source_id, token, DEMO.erin_card)


def _load_frank_wallet(store: Store) -> None:
    """More cards than a static select lists, all saved through one older order (number 601)."""
    order = _old_order(store, "ordFrankOl", "601", DEMO.frank)
    for i in range(1, DEMO.frank_card_count + 1):
        token = f"pm_1FrankCard{i:03d}000000{2000 + i}"
        _saved_card(store, order, f"spFrank{i:03d}", f"cpsFrank{i:03d}", token)
