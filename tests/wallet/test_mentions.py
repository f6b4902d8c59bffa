"""The orders and pm_ ids a message mentions: what is found, what is only told, and the bounds."""

from __future__ import annotations

import pytest

from bot.wallet.mentions import MAX_CANDIDATES, MAX_SCANNED_CHARS, Mentions, find_mentions
from bot.wallet.refs import OrderRef


def number(value: str) -> OrderRef:
    return OrderRef(value, is_number=True)


def cl_id(value: str) -> OrderRef:
    return OrderRef(value, is_number=False)


@pytest.mark.parametrize(
    ("text", "orders"),
    [
        ("please check #1001", (number("1001"),)),
        (
            "Order 1001, order #1002, order no. 1003, order number: 1004",
            tuple(number(str(n)) for n in range(1001, 1005)),
        ),
        ("order qaMAhZkZvd and ORDER id xYz9", (cl_id("qaMAhZkZvd"), cl_id("xYz9"))),
        ("<https://dashboard.commercelayer.io/test/acme/orders/qaMAhZkZvd|the order>", (cl_id("qaMAhZkZvd"),)),
        ("#1001 again: order #1001", (number("1001"),)),
        # English after "order", channel links, HTML entities and URL fragments are no orders.
        ("the order status is placed; order Placed", ()),
        ("see <#C0123ABC|ops> and &#39; and https://example.com/faq#12", ()),
    ],
)
def test_orders_are_found_in_the_order_they_appear(text: str, orders: tuple[OrderRef, ...]) -> None:
    assert find_mentions(text).orders == orders


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("card pm_1IixtoEw0yMev2I0jGzoT9Js.", ("pm_1IixtoEw0yMev2I0jGzoT9Js",)),
        ("`pm_card_visa` *pm_card_amex* _pm_card_mastercard_", ("pm_card_visa", "pm_card_amex", "pm_card_mastercard")),
        ("(pm_abc123), pm_abc123; pm_abc123?expand=x", ("pm_abc123",)),
        # Inside other words, or a bare "pm_", there is no id.
        ("npm_token my_pm_x and ids start with pm_ or pm_.", ()),
    ],
)
def test_pm_ids_are_found_where_slack_formatting_and_sentences_end_them(text: str, ids: tuple[str, ...]) -> None:
    assert find_mentions(text).payment_methods == ids


def test_what_the_typed_parsers_refuse_is_told_masked_and_never_kept() -> None:
    found = find_mentions("order 123456789012345678901234 with pm_abc/def and pm_fine")
    assert found.orders == () and found.payment_methods == ("pm_fine",)
    assert found.rejected == (
        "“123456789012345678901234” is not an order number (like 1001 or #1001) "
        "or a Commerce Layer order id (letters and digits, like qaMAhZkZvd).",
        "“pm_…/def”: A Stripe PaymentMethod id has no '/' in it: check what was pasted.",
    )


def test_a_long_message_is_read_only_so_far_and_candidates_are_bounded() -> None:
    many = " ".join(f"#{1000 + n} pm_card{n:03d}" for n in range(3 * MAX_CANDIDATES))
    found = find_mentions(many)
    assert len(found.orders) == len(found.payment_methods) == MAX_CANDIDATES
    assert found.orders[0] == number("1000") and not found.truncated

    late = find_mentions("x" * MAX_SCANNED_CHARS + " #1001 pm_card_visa")
    assert late == Mentions(truncated=True)


def test_nothing_found_in_an_empty_message() -> None:
    assert find_mentions("") == Mentions()
