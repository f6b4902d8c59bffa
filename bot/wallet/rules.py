"""When the bot refuses, and the words the operator reads: reword a refusal here and nowhere else.

Each rule is a plain function of what Commerce Layer answered. It returns the `Refused` to raise,
or None when it does not apply; nothing here makes a request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.commercelayer.models import Order, PaymentMethod
from bot.wallet.errors import Refused
from bot.wallet.refs import CardRef, EmailRef, OrderRef, mask_payment_method
from bot.wallet.results import WalletEntry

OrderRule = Callable[[Order], Refused | None]


def order_label(order: Order) -> str:
    return f"#{order.number}"


# ---- finding the order or the customer ---------------------------------------------------------


def order_not_found(ref: OrderRef) -> Refused:
    return Refused(
        f"Order {ref} was not found in Commerce Layer.",
        next_step="Check the order number (or id) and try again.",
    )


def no_customer_with_email(ref: EmailRef) -> Refused:
    return Refused(
        f"No customer with the email {ref.value} was found in Commerce Layer.",
        next_step="Check the address, or look the customer up by one of their orders.",
    )


def no_order_or_customer_with_id(resource_id: str) -> Refused:
    return Refused(
        f"No order or customer with the id {resource_id} was found in Commerce Layer.",
        next_step="Check the id, or use an order number or the customer's email.",
    )


def guest_order_has_no_wallet(order: Order) -> Refused | None:
    """Listing saved cards through an order needs the order's customer."""
    if order.customer is not None:
        return None
    return Refused(
        f"Order {order_label(order)} is a guest order: it has no customer, so no wallet.",
        next_step="Look the customer up by email instead: /wallet sources <email>.",
    )


# ---- the order a card is saved through ---------------------------------------------------------


def cancelled(order: Order) -> Refused | None:
    if order.status != "cancelled":
        return None
    return Refused(
        f"Order {order_label(order)} is cancelled: a card can't be saved through a cancelled order.",
        next_step="Use another order of this customer.",
    )


def guest_order(order: Order) -> Refused | None:
    if order.customer is not None:
        return None
    return Refused(
        f"Order {order_label(order)} is a guest order: a wallet belongs to a customer, and this order has none.",
        next_step="Attach the order to a customer in Commerce Layer first, or use one of the customer's orders.",
    )


def no_single_stripe_method(order: Order) -> Refused | None:
    """An order without a payment method is saved through only if one Stripe method can be set on it."""
    stripe = _stripe_methods(order)
    if order.payment_method is not None or len(stripe) == 1:
        return None
    return Refused(
        f"Order {order_label(order)} has no payment method, and {len(stripe)} Stripe payment methods are "
        "available for it.",
        next_step="Select the Stripe payment method on the order in Commerce Layer, then try again.",
    )


def _paid_otherwise(order: Order, consequence: str, next_step: str) -> Refused | None:
    """The order's payment method is another gateway's than Stripe: `consequence` follows."""
    method = order.payment_method
    if method is None or method.is_stripe:
        return None
    return Refused(
        f"Order {order_label(order)} is paid with {method.name or method.payment_source_type}, not Stripe: "
        f"{consequence}.",
        next_step=next_step,
    )


def not_stripe(order: Order) -> Refused | None:
    return _paid_otherwise(
        order, "only a Stripe card can be saved this way", "Use an order whose payment method is Stripe."
    )


def non_stripe_source(order: Order) -> Refused | None:
    source = order.payment_source
    if source is None or source.is_stripe:
        return None
    return Refused(
        f"Order {order_label(order)} already has a payment source that is not a Stripe payment ({source.type}).",
        next_step="Use an order whose payment source is a Stripe payment, or none yet.",
    )


def source_without_off_session(order: Order) -> Refused | None:
    source = order.payment_source
    if source is None or source.off_session:
        return None
    return Refused(
        f"Order {order_label(order)}'s Stripe payment source was created without setup_future_usage: "
        "off_session, so Stripe can't reuse its card; an update can't change that.",
        next_step="Use another order, or remove this payment source in Commerce Layer and run the command again.",
    )


def another_cards_source(order: Order, pm_id: str) -> Refused | None:
    source = order.payment_source
    if source is None or source.payment_method_id in (None, pm_id):
        return None
    return Refused(
        f"Order {order_label(order)} already has a Stripe payment source for another card "
        f"({mask_payment_method(source.payment_method_id)}); an order holds one payment source.",
        next_step="Use another order for this card, or check which card the customer meant.",
    )


# The first rule that refuses wins, so the operator reads the first thing to fix. An order without a
# payment method gets the Stripe one set by the save; the rules about its method and source wait
# for an order whose method is chosen.
_RULES_WITHOUT_METHOD: tuple[OrderRule, ...] = (cancelled, guest_order, no_single_stripe_method)
_RULES_WITH_METHOD: tuple[OrderRule, ...] = (
    cancelled,
    guest_order,
    not_stripe,
    non_stripe_source,
    source_without_off_session,
)


def save_refusal(order: Order) -> Refused | None:
    """Why a card can't be saved through `order` whatever the card, or None if it can."""
    rules = _RULES_WITHOUT_METHOD if order.payment_method is None else _RULES_WITH_METHOD
    return first_refusal(order, rules)


def first_refusal(order: Order, rules: tuple[OrderRule, ...]) -> Refused | None:
    """The first rule that refuses wins, so the operator reads the first thing to fix."""
    return next((refusal for rule in rules if (refusal := rule(order)) is not None), None)


def payment_method_to_set(order: Order) -> PaymentMethod | None:
    """The Stripe method the save sets first, on an order that has none and exactly one available."""
    stripe = _stripe_methods(order)
    return stripe[0] if order.payment_method is None and len(stripe) == 1 else None


def _stripe_methods(order: Order) -> list[PaymentMethod]:
    return [method for method in order.available_payment_methods if method.is_stripe]


# ---- the order a saved card is used on ---------------------------------------------------------

# What each status that closes an order's payment means for the customer.
_CLOSED_STATUSES = {
    "placed": "the customer has checked out, and the payment was authorized on the card given at checkout",
    "approved": "it was approved for fulfilment, and its payment is captured or about to be",
    "cancelled": "it was cancelled, so the customer will not be charged for it",
    "placing": "it is being placed right now, with the payment source it has",
    "editing": "it is being edited after it was placed, and its payment was already authorized",
}
_SETTLED_PAYMENTS = ("authorized", "partially_authorized", "paid", "partially_paid")
# The order statuses whose payment source may change.
_OPEN_STATUSES = ("draft", "pending")


def order_closed(order: Order) -> Refused | None:
    if order.status in _OPEN_STATUSES:
        return None
    meaning = _CLOSED_STATUSES.get(order.status, "its payment can no longer change")
    return Refused(
        f"Order {order_label(order)} is {order.status}: {meaning}. A saved card can be used only on a draft or "
        "pending order.",
        next_step="Use a draft or pending order of this customer, such as a new phone order.",
    )


def payment_settled(order: Order) -> Refused | None:
    if order.payment_status not in _SETTLED_PAYMENTS:
        return None
    return Refused(
        f"Order {order_label(order)}'s payment is already {order.payment_status.replace('_', ' ')}: "
        "changing its card now could charge the customer twice.",
        next_step="Check the order's payment in the Commerce Layer dashboard first.",
    )


def method_not_stripe(order: Order) -> Refused | None:
    return _paid_otherwise(
        order,
        "a saved Stripe card can't be its payment source",
        "Select the order's Stripe payment method in Commerce Layer first, then try again.",
    )


_RULES_FOR_USE: tuple[OrderRule, ...] = (order_closed, payment_settled, guest_order, method_not_stripe)


def use_refusal(order: Order) -> Refused | None:
    """Why no saved card can become `order`'s payment source, or None if one can."""
    rules = (*_RULES_FOR_USE, no_single_stripe_method) if order.payment_method is None else _RULES_FOR_USE
    return first_refusal(order, rules)


# ---- which saved card ---------------------------------------------------------------------------


def _whose(email: str | None) -> str:
    return f"{email}'s wallet" if email else "the customer's wallet"


def _listed(entries: Sequence[WalletEntry]) -> str:
    return "; ".join(f"{entry.card.label} ({entry.id})" for entry in entries)


def no_stripe_card(email: str | None) -> Refused:
    return Refused(
        f"{_whose(email).capitalize()} holds no saved Stripe card to use.",
        next_step="Save the customer's card first: /wallet save <order> <pm_…>.",
    )


def no_card_matches(ref: CardRef, email: str | None, wallet: Sequence[WalletEntry]) -> Refused:
    return Refused(
        f"There is no {ref} in {_whose(email)}. It holds: {_listed(wallet) or 'nothing'}.",
        next_step="Name one of these cards by its id or last 4 digits.",
    )


def several_cards_match(ref: CardRef, email: str | None, matches: Sequence[WalletEntry]) -> Refused:
    return Refused(
        f"{len(matches)} cards in {_whose(email)} end in {ref.value}: {_listed(matches)}.",
        next_step="Run the command again with the id of the one you mean.",
    )


def card_of_another_customer(card_id: str, email: str | None) -> Refused:
    return Refused(
        f"Saved card {card_id} belongs to another customer, not to {email or 'this customer'}.",
        next_step="Check the customer, and name a card of their own wallet (/wallet sources lists it).",
    )


def card_not_stripe(entry: WalletEntry) -> Refused | None:
    if entry.is_stripe:
        return None
    return Refused(
        f"Saved card {entry.card.label} ({entry.id}) is not a Stripe card: it can't pay through Stripe.",
        next_step="Pick one of the customer's Stripe cards.",
    )


def card_gone(card_id: str) -> Refused:
    return Refused(
        f"Saved card {card_id} is no longer in the wallet: it was removed meanwhile.",
        next_step="Run /wallet sources to see the wallet as it is now.",
    )
