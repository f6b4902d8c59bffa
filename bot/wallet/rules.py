"""When the bot refuses, and the words the operator reads: reword a refusal here and nowhere else.

Each rule is a plain function of what Commerce Layer answered. It returns the `Refused` to raise,
or None when it does not apply; nothing here makes a request.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.commercelayer.models import Order, PaymentMethod
from bot.wallet.errors import Refused
from bot.wallet.refs import EmailRef, OrderRef, mask_payment_method

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


def not_stripe(order: Order) -> Refused | None:
    method = order.payment_method
    if method is None or method.is_stripe:
        return None
    return Refused(
        f"Order {order_label(order)} is paid with {method.name or method.payment_source_type}, "
        "not Stripe: only a Stripe card can be saved this way.",
        next_step="Use an order whose payment method is Stripe.",
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
    return next((refusal for rule in rules if (refusal := rule(order)) is not None), None)


def payment_method_to_set(order: Order) -> PaymentMethod | None:
    """The Stripe method the save sets first, on an order that has none and exactly one available."""
    stripe = _stripe_methods(order)
    return stripe[0] if order.payment_method is None and len(stripe) == 1 else None


def _stripe_methods(order: Order) -> list[PaymentMethod]:
    return [method for method in order.available_payment_methods if method.is_stripe]
