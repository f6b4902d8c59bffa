"""The in-process rate budget's rules, on a clock the test moves: turns planned in line, claimed only when
the requests already sent leave room, given back, and what Commerce Layer's headers reveal added."""

from __future__ import annotations

import pytest

from bot.commercelayer.pacing import FLIGHT, POLL, Booking, InProcessBudget, Seen, Window, burst_of, endpoint_of
from tests.support.clock import FakeClock

AVERAGE = Window("write", 4, 60.0)
POST = Window("write POST /api/stripe_payments", 2, 10.0)
PATCH = Window("write PATCH /api/orders/:id", 2, 10.0)
AVERAGE_10 = Window("read", 2, 10.0)
BURST_1 = Window("read GET /api/orders", 1, 1.0)


def book(budget: InProcessBudget, *windows: Window, within: float | None = None) -> Booking:
    booking = budget.reserve_now(windows, within)
    assert booking is not None
    return booking


def send(budget: InProcessBudget, clock: FakeClock, booking: Booking, answer_after: float = 0.0) -> None:
    """Claims the booking at its turn and settles it when its answer comes back."""
    clock.now = max(clock.now, booking.planned)
    assert budget.claim_now(booking) == 0.0
    clock.advance(answer_after)
    budget.settle_now(booking, sent=True)


def test_turns_are_planned_in_line_at_the_limit() -> None:
    clock = FakeClock(1000.0)
    budget = InProcessBudget(clock)
    plans = [book(budget, AVERAGE).planned - 1000.0 for _ in range(9)]
    # 4 per 60 s: four at once, the next four a window later, and so on.
    assert plans == [0, 0, 0, 0, 60, 60, 60, 60, 120]


def test_a_request_goes_in_the_first_turn_both_its_windows_allow() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    plans = [book(budget, AVERAGE, POST).planned for _ in range(4)]
    assert plans == [0, 0, 10, 10]  # the endpoint's burst, 2 per 10 s, decides before the average


def test_two_endpoints_share_the_average_without_queueing_behind_each_other() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    for _ in range(2):
        send(budget, clock, book(budget, AVERAGE, POST))
        send(budget, clock, book(budget, AVERAGE, PATCH))
    clock.now = 20.0
    late_post = book(budget, AVERAGE, POST)  # the average is full until 60
    later_post = book(budget, AVERAGE, POST)
    third_post = book(budget, AVERAGE, POST)  # the POST burst: 2 per 10 s
    assert (late_post.planned, later_post.planned, third_post.planned) == (60, 60, 70)
    # A PATCH asked for after them still takes the average's last turn at 60, not one after 70.
    patch = book(budget, AVERAGE, PATCH)
    assert patch.planned == 60


def test_a_turn_beyond_the_time_allowed_is_not_booked() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    for _ in range(4):
        book(budget, AVERAGE)
    assert budget.reserve_now((AVERAGE,), within=59.0) is None
    assert book(budget, AVERAGE, within=60.0).planned == 60  # nothing was booked by the refusal


def test_a_claim_waits_for_the_answers_of_the_requests_a_window_before() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    first = book(budget, POST)
    send(budget, clock, first, answer_after=0.5)  # counted until a window after its answer
    second = book(budget, POST)
    send(budget, clock, second)
    third = book(budget, POST)
    assert third.planned == 10.0  # planned from when the first left
    clock.now = 10.0
    assert budget.claim_now(third) == 0.5  # but it may only leave a window after the first's answer
    clock.now = 10.5
    assert budget.claim_now(third) == 0.0


def test_a_window_full_of_requests_in_flight_is_asked_again_soon() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    out = [book(budget, POST) for _ in range(2)]
    for booking in out:
        assert budget.claim_now(booking) == 0.0
    late = book(budget, POST)
    clock.now = late.planned
    assert budget.claim_now(late) == POLL  # their answers are not back: they may come any moment
    clock.now = FLIGHT + 20.0  # never answered (a process that died): they stop counting
    assert budget.claim_now(late) == 0.0


def test_a_turn_given_back_frees_its_place() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    kept = book(budget, POST)
    given_back = book(budget, POST)
    assert budget.claim_now(given_back) == 0.0
    budget.settle_now(given_back, sent=False)  # nothing was sent
    send(budget, clock, kept)
    assert book(budget, POST).planned == 0.0


def test_requests_the_headers_reveal_are_added_as_sent_now() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    average = Window("read", 10, 60.0)
    probe = book(budget, average)
    assert budget.claim_now(probe) == 0.0
    clock.advance(1.0)
    # Commerce Layer counted 7 in the window, ours included: 6 came from elsewhere (another process).
    budget.settle_now(probe, sent=True, seen=Seen(average, 7))
    bookings = [book(budget, average) for _ in range(5)]
    # 10 - 7 left now; then ours leaves the window (planned from when it left, at 0); then those 6,
    # counted from when they were seen.
    assert [b.planned for b in bookings] == [1.0, 1.0, 1.0, 60.0, 61.0]
    for booking in bookings[:3]:
        send(budget, clock, booking)
    clock.now = 60.0
    assert budget.claim_now(bookings[3]) == 1.0  # ours counts until a window after its answer, at 1.0


def test_what_the_budget_sent_itself_is_not_taken_for_another_s() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    average = Window("read", 10, 60.0)
    first, second = book(budget, average), book(budget, average)
    assert budget.claim_now(first) == 0.0
    assert budget.claim_now(second) == 0.0
    budget.settle_now(second, sent=True, seen=Seen(average, 2))  # Commerce Layer counted both
    budget.settle_now(first, sent=True, seen=Seen(average, 1))
    assert [book(budget, average).planned for _ in range(8)] == [0.0] * 8


def test_a_429_fills_the_window_that_refused() -> None:
    clock = FakeClock(0.0)
    budget = InProcessBudget(clock)
    refused = book(budget, AVERAGE, POST)
    assert budget.claim_now(refused) == 0.0
    budget.settle_now(refused, sent=True, seen=Seen(POST, POST.limit))
    nxt = book(budget, AVERAGE, POST)
    assert nxt.planned > 0.0
    clock.now = nxt.planned
    assert budget.claim_now(nxt) == 0.0


def test_the_burst_window_follows_the_average_and_endpoints_are_route_templates() -> None:
    assert burst_of(100, 60.0) == (25, 10.0)
    assert burst_of(200, 60.0) == (50, 10.0)
    assert burst_of(2, 0.6) == (1, pytest.approx(0.1))
    assert endpoint_of("PATCH", "/api/orders/ordPlaced1") == "PATCH /api/orders/:id"
    assert endpoint_of("GET", "/api/orders") == "GET /api/orders"
    assert endpoint_of("GET", "/api/customers/cus1/customer_payment_sources") == (
        "GET /api/customers/:id/customer_payment_sources"
    )


def test_a_turn_goes_a_little_later_to_take_a_better_lane_but_never_past_the_time_allowed() -> None:
    def budget_at_ten() -> InProcessBudget:
        clock = FakeClock(0.0)
        budget = InProcessBudget(clock)
        for at, window in ((0.5, AVERAGE_10), (0.55, AVERAGE_10), (9.5, BURST_1)):
            clock.now = at
            send(budget, clock, book(budget, window))
        clock.now = 10.0
        return budget

    # The burst window allows 10.5; the average's lane from 0.55 fits if the turn waits 0.05 s more,
    # which leaves its lane from 0.5 to a request that can't wait.
    assert book(budget_at_ten(), BURST_1, AVERAGE_10).planned == 10.55
    assert book(budget_at_ten(), BURST_1, AVERAGE_10, within=0.52).planned == 10.5
