"""What operators type: accepted forms, and refusals that name the problem."""

from __future__ import annotations

import pytest

from bot.wallet.refs import (
    CardRef,
    EmailRef,
    InputError,
    OrderRef,
    PaymentMethodId,
    UserRef,
    excerpt,
    mask_payment_method,
    parse_card_ref,
    parse_customer_ref,
    parse_history_ref,
    parse_order_ref,
    parse_payment_method_id,
    parse_reason,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1001", OrderRef("1001", is_number=True)),
        ("#1001", OrderRef("1001", is_number=True)),
        ("  #42 ", OrderRef("42", is_number=True)),
        ("qaMAhZkZvd", OrderRef("qaMAhZkZvd", is_number=False)),
    ],
)
def test_order_refs_accept_numbers_and_ids(text: str, expected: OrderRef) -> None:
    assert parse_order_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "An order is needed"),
        ("../orders", "is not an order number"),
        ("1001?x=1", "is not an order number"),
        ("ab", "is not an order number"),
        ("a" * 41, "is not an order number"),
        ("#", "is not an order number"),
        ("１００１", "is not an order number"),  # full-width digits are not ASCII digits
    ],
)
def test_order_refs_refuse_with_a_named_problem(text: str, named: str) -> None:
    with pytest.raises(InputError, match=named):
        parse_order_ref(text)


def test_order_ref_prints_as_operators_write_it() -> None:
    assert str(parse_order_ref("1001")) == "#1001"
    assert str(parse_order_ref("qaMAhZkZvd")) == "qaMAhZkZvd"


@pytest.mark.parametrize("text", ["#1001", "qaMAhZkZvd"])
def test_order_ref_round_trips_through_its_text(text: str) -> None:
    # Slack button values and modal metadata carry the ref as text.
    ref = parse_order_ref(text)
    assert str(ref) == text
    assert parse_order_ref(str(ref)) == ref


@pytest.mark.parametrize("pm", ["pm_1IixtoEw0yMev2I0jGzoT9Js", "pm_card_visa", "pm_" + "a" * 252])
def test_payment_method_ids_are_checked_loosely(pm: str) -> None:
    assert parse_payment_method_id(f"  {pm} ") == PaymentMethodId(pm)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "is needed"),
        ("card_123", "should start with pm_"),
        ("pm_", "should start with pm_"),
        ("pm_" + "a" * 253, "256 characters long"),
        ("pm_abc def", "a space"),
        ("pm_abc/../x", "'/'"),
        ("pm_abc?x=1", "'?'"),
        ("pm_abc#frag", "'#'"),
        ("pm_abc%2F", "'%'"),
        ("pm_abc\u200bdef", "no "),
        ("pm_abc<@U1>", "'<'"),
    ],
)
def test_payment_method_ids_refuse_what_could_change_a_url(text: str, named: str) -> None:
    with pytest.raises(InputError, match=named):
        parse_payment_method_id(text)


def test_rejected_pm_ids_are_not_echoed_in_full() -> None:
    with pytest.raises(InputError) as caught:
        parse_payment_method_id("pm_1IixtoEw0yMev2I0jGzoT9Js?")
    assert "pm_1IixtoEw0yMev2I0jGzoT9Js" not in str(caught.value)


def test_customer_refs_take_emails_or_orders() -> None:
    assert parse_customer_ref("Alice@Example.com") == EmailRef("alice@example.com")
    assert parse_customer_ref("#1007") == OrderRef("1007", is_number=True)
    with pytest.raises(InputError, match="not a valid email"):
        parse_customer_ref("alice@example.com/../x")


def test_masked_card_shows_only_the_last_four() -> None:
    assert mask_payment_method("pm_1IixtoEw0yMev2I0jGzoT9Js") == "pm_…T9Js"
    assert mask_payment_method(None) == "unknown card"


def test_excerpts_of_rejected_input_are_short_and_never_a_whole_card() -> None:
    assert excerpt("pm_1IixtoEw0yMev2I0jGzoT9Js") == "pm_…T9Js"
    assert excerpt("a" * 50, 10) == "a" * 9 + "…"
    assert excerpt("ab\ncd") == "ab?cd"
    assert excerpt("1001") == "1001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4242", CardRef("4242", by_last4=True)),
        (" cpsBob0001 ", CardRef("cpsBob0001", by_last4=False)),
    ],
)
def test_a_saved_card_is_named_by_its_last_4_digits_or_its_id(text: str, expected: CardRef) -> None:
    assert parse_card_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "named"),
    [("pm_1MqM05LkdIwHu7ixT9Js", "is a Stripe id"), ("42", "is not a saved card"), ("../x", "is not a saved card")],
)
def test_a_saved_card_that_cant_be_one_is_refused(text: str, named: str) -> None:
    with pytest.raises(InputError, match=named) as caught:
        parse_card_ref(text)
    assert "pm_1MqM05LkdIwHu7ixT9Js" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0ALEX|alex>", UserRef("U0ALEX")),
        ("<@W0ALEX>", UserRef("W0ALEX")),
        ("@U0ALEX", UserRef("U0ALEX")),
        ("#1001", OrderRef("1001", is_number=True)),
        ("<mailto:Alice@Example.com|Alice@Example.com>", EmailRef("alice@example.com")),
        ("alice@example.com", EmailRef("alice@example.com")),
    ],
)
def test_history_is_narrowed_to_a_person_an_order_or_a_customer(text: str, expected: object) -> None:
    assert parse_history_ref(text) == expected


def test_a_person_named_without_slacks_mention_is_refused() -> None:
    with pytest.raises(InputError, match="is a name, not a Slack user id"):
        parse_history_ref("@alex")


def test_a_reason_is_the_rest_of_the_line() -> None:
    assert parse_reason(["customer", "asked\tby", "phone"], required=False) == "customer asked by phone"
    assert parse_reason([], required=False) is None
    with pytest.raises(InputError, match="A reason is required"):
        parse_reason(["  "], required=True)
    with pytest.raises(InputError, match="keep it to 200"):
        parse_reason(["x" * 201], required=False)
    with pytest.raises(InputError, match="can't hold a Stripe id"):
        parse_reason(["card", "pm_1MqM05LkdIwHu7ix"], required=False)
