"""Pacing at Commerce Layer's rate limits: each request waits for a turn that keeps it under every limit.

Commerce Layer counts requests per IP in sliding windows (docs: "the count is never reset", so no
X-Ratelimit-Reset): per class (reads, writes) an *average* window (test: 100 a minute, live: 200) and,
per endpoint, a *burst* window (test: 25 in 10 s, live: 50). Its answers carry X-Ratelimit-Limit,
-Interval and -Remaining, which describe the average window only.

The pacer
- learns each class's average window from those headers; the burst window is derived from it
  (`burst_of`): every class Commerce Layer documents has a burst of a quarter of the average limit
  over a sixth of its interval (inferred: the headers never name the burst);
- starts conservatively: until a class's first answer has told its limits, one request of that class
  is in flight at a time, paced at the smallest limits Commerce Layer documents (test mode);
- books every request a turn in a budget (`RateBudget`) that keeps each window under its limit: the
  turn is planned when the request asks for it (so a crowd leaves in line, first come first served,
  without hammering), and claimed when it comes, against the requests already sent (so the windows
  are never exceeded, even if the plan was early). A request counts from when it was sent until its
  answer came back, then from that moment: the moment Commerce Layer counted it lies in between, so
  the pacer's count is never below Commerce Layer's;
- reads X-Ratelimit-Remaining: requests Commerce Layer counted that the budget did not send (another
  app on the same IP, another process without a shared budget) are added to the budget as sent now
  (when they were sent is unknown: now is the safe side);
- after a 429 (which a well-paced client only sees when something else uses the allowance), counts
  the window that refused it as full from now, and the refused request backs off exponentially
  before its next turn.

The budget is in this process (`InProcessBudget`) unless one is injected: with several processes,
bot/state/budget.py shares one through Redis. The token endpoint is not paced here: tokens are
cached and fetched once for many callers (auth.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from bisect import bisect_right, insort
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import structlog

log = structlog.get_logger("commercelayer")

# The smallest limits Commerce Layer documents (test mode, uncacheable reads and writes): assumed for
# a class until one of its answers carries X-Ratelimit-* headers, and if answers never do.
DEFAULT_AVERAGE = (100, 60.0)
# Burst = average limit / 4 over interval / 6 (25 per 10 s for 100 per 60 s; 50 for 200 live).
BURST_SHARE, BURST_INTERVAL_SHARE = 4, 6
# How long a claimed request may stay unanswered before the budget stops counting on its answer
# (a process that died mid-request): longer than any request's timeout.
FLIGHT = 60.0
# How soon to look again when the window is full of requests still in flight.
POLL = 0.05
# Requests the headers reveal beyond the budget's own are added up to this many at once.
MAX_UNSEEN = 1000
_MAX = "\uffff"  # sorts after every id: (time, _MAX) is after every entry at `time`


def slack(interval: float) -> float:
    """How much later than planned a turn may go to take a lane that fits better (`_Sliding.fit`)."""
    return min(interval / 100, 0.25)


@dataclass(frozen=True)
class Window:
    """At most `limit` requests in any `interval` seconds among the requests that name `key`."""

    key: str
    limit: int
    interval: float


@dataclass
class Booking:
    """A request's turn in a budget: planned for `wait` seconds after it was booked."""

    ticket: str
    windows: tuple[Window, ...]
    wait: float
    engine: str
    planned: float = 0.0  # the budget's own clock
    lanes: tuple[str, ...] = ()
    sent_at: float | None = None  # the budget's clock, once claimed


@dataclass(frozen=True)
class Seen:
    """Commerce Layer counted `counted` requests in `window` when it answered a request of ours."""

    window: Window
    counted: int


class RateBudget(Protocol):
    """Turns in sliding windows, shared by whoever shares the budget. Times are the budget's own."""

    engine: str

    async def reserve(self, windows: tuple[Window, ...], within: float | None) -> Booking | None:
        """Books the first turn every window allows after the turns already booked; None (and nothing
        booked) if it can't come within `within` seconds."""
        ...

    async def claim(self, booking: Booking) -> float:
        """0.0: the request may leave now, and counts as sent; else the seconds to wait before asking again."""
        ...

    async def settle(self, booking: Booking, *, sent: bool, seen: Seen | None = None) -> None:
        """The answer came back (`sent`: it counts until a window after now), or nothing was sent (its
        turn is given back); `seen`: what Commerce Layer's headers said about a window."""
        ...

    async def aclose(self) -> None: ...


# ---- the in-process budget -------------------------------------------------------------------


@dataclass
class _Sliding:
    """One window's bookkeeping.

    `lanes` plan turns: a window of L requests per I seconds is L lanes, each used at most once per I
    seconds (a set of times fits the window exactly when it splits so); each lane keeps the time of
    its latest turn. `claims` are the requests sent: their answer's time, or a time after now while
    they are in flight.
    """

    lanes: list[tuple[float, str]] = field(default_factory=list)
    claims: list[tuple[float, str]] = field(default_factory=list)
    claimed: dict[str, float] = field(default_factory=dict)

    def prune_lanes(self, now: float, interval: float) -> None:
        # A lane unused for an interval is as free as a new one.
        del self.lanes[: bisect_right(self.lanes, (now - interval, _MAX))]

    def free_at(self, limit: int) -> float | None:
        """When a lane is free, or None if a new one is (fewer lanes than the limit)."""
        return None if len(self.lanes) < limit else self.lanes[len(self.lanes) - limit][0]

    def fit(self, at: float, interval: float, *, nearly: bool = True) -> tuple[float, str] | None:
        """The lane whose latest turn is the latest that leaves `at` free, or nearly (`slack`): a best
        fit, which leaves the lanes free earlier to requests that can go earlier. None: a new lane."""
        index = bisect_right(self.lanes, (at - interval + (slack(interval) if nearly else 0.0), _MAX)) - 1
        return self.lanes[index] if index >= 0 else None

    def use(self, lane: tuple[float, str] | None, at: float, new: str) -> str:
        if lane is not None:
            self.lanes.remove(lane)
        name = new if lane is None else lane[1]
        insort(self.lanes, (at, name))
        return name

    def move_lane(self, lane: str, planned: float, to: float, *, missing_too: bool) -> None:
        """The lane's latest turn, if still the one planned at `planned`, now counts from `to`."""
        index = bisect_right(self.lanes, (planned, lane)) - 1
        if index >= 0 and self.lanes[index] == (planned, lane):
            del self.lanes[index]
        elif not missing_too or any(name == lane for _, name in self.lanes):
            return
        insort(self.lanes, (to, lane))

    def count(self, since: float) -> int:
        return len(self.claims) - bisect_right(self.claims, (since, _MAX))

    def wait(self, now: float, window: Window) -> float:
        """0.0 if one more request may be sent now; else when to look again."""
        # Claims are kept for two intervals: an answer's headers are compared with what was sent since
        # an interval before that request left (`InProcessBudget._unseen`).
        old = bisect_right(self.claims, (now - 2 * window.interval, _MAX))
        for _, ticket in self.claims[:old]:
            del self.claimed[ticket]
        del self.claims[:old]
        start = bisect_right(self.claims, (now - window.interval, _MAX))
        in_window = len(self.claims) - start
        if in_window < window.limit:
            return 0.0
        oldest, _ = self.claims[start + in_window - window.limit]
        return POLL if oldest > now else oldest + window.interval - now

    def put_claim(self, ticket: str, at: float) -> None:
        self.drop_claim(ticket)
        insort(self.claims, (at, ticket))
        self.claimed[ticket] = at

    def drop_claim(self, ticket: str) -> None:
        at = self.claimed.pop(ticket, None)
        if at is None:
            return
        index = bisect_right(self.claims, (at, ticket)) - 1
        if index >= 0 and self.claims[index] == (at, ticket):
            del self.claims[index]


class InProcessBudget:
    """The budget of one process: what a single process, the console and the tests use."""

    engine = "in-process"

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        # A window's bookkeeping is made on its first use only (setdefault would build one per lookup).
        self._windows: defaultdict[str, _Sliding] = defaultdict(_Sliding)
        self._tickets = itertools.count(1)

    def _sliding(self, window: Window) -> _Sliding:
        return self._windows[window.key]

    async def reserve(self, windows: tuple[Window, ...], within: float | None) -> Booking | None:
        return self.reserve_now(windows, within)

    def reserve_now(self, windows: tuple[Window, ...], within: float | None) -> Booking | None:
        now = self._clock()
        at = now
        for window in windows:
            sliding = self._sliding(window)
            sliding.prune_lanes(now, window.interval)
            free = sliding.free_at(window.limit)
            if free is not None:
                at = max(at, free + window.interval)
        if within is not None and at > now + within:
            return None
        ticket = f"t{next(self._tickets)}"
        fits = [self._sliding(window).fit(at, window.interval) for window in windows]
        later = max([at] + [fit[0] + window.interval for fit, window in zip(fits, windows, strict=True) if fit])
        if within is not None and later > now + within:  # no slack past the time allowed
            fits = [self._sliding(window).fit(at, window.interval, nearly=False) for window in windows]
        else:
            at = later
        lanes = tuple(
            self._sliding(window).use(fit, at, f"{ticket}:{index}")
            for index, (fit, window) in enumerate(zip(fits, windows, strict=True))
        )
        return Booking(ticket, windows, at - now, self.engine, at, lanes)

    async def claim(self, booking: Booking) -> float:
        return self.claim_now(booking)

    def claim_now(self, booking: Booking) -> float:
        now = self._clock()
        wait = max(self._sliding(window).wait(now, window) for window in booking.windows)
        if wait > 0:
            return wait
        for window in booking.windows:
            self._sliding(window).put_claim(booking.ticket, now + FLIGHT)
        booking.sent_at = now
        return 0.0

    async def settle(self, booking: Booking, *, sent: bool, seen: Seen | None = None) -> None:
        self.settle_now(booking, sent=sent, seen=seen)

    def settle_now(self, booking: Booking, *, sent: bool, seen: Seen | None = None) -> None:
        now = self._clock()
        for window, lane in zip(booking.windows, booking.lanes, strict=True):
            sliding = self._sliding(window)
            # Sent: the lane's turn is when it left (the claims, not the plan, count from the answer);
            # not sent: it is given back (as if used an interval before its plan, no earlier than the
            # lane's previous turn).
            to = booking.sent_at if sent and booking.sent_at is not None else booking.planned - window.interval
            sliding.move_lane(lane, booking.planned, to, missing_too=sent)
            if sent and booking.ticket in sliding.claimed:
                sliding.put_claim(booking.ticket, now)
            else:
                sliding.drop_claim(booking.ticket)
        if sent and seen is not None and booking.sent_at is not None:
            self._unseen(booking, seen, now)

    def _unseen(self, booking: Booking, seen: Seen, now: float) -> None:
        """Adds the requests Commerce Layer counted in `seen.window` that this budget did not send."""
        window = seen.window
        sliding = self._sliding(window)
        assert booking.sent_at is not None
        # Every request of ours Commerce Layer can have counted then was answered after the sending
        # of this one, less an interval, or is still in flight.
        ours = sliding.count(booking.sent_at - window.interval)
        unseen = min(seen.counted - ours, MAX_UNSEEN)
        # When they were sent is unknown: they count as sent now, the safe side.
        for k in range(1, unseen + 1):
            sliding.put_claim(f"{booking.ticket}:u{k}", now)
        for k in range(1, min(unseen, window.limit - len(sliding.lanes)) + 1):
            insort(sliding.lanes, (now, f"{booking.ticket}:u{k}"))

    async def aclose(self) -> None:
        return None


# ---- the pacer the client uses ---------------------------------------------------------------


class NoTurn(Exception):
    """No turn can come before the time given: nothing was sent."""


@dataclass(frozen=True)
class RateHeaders:
    limit: int | None
    interval: float | None
    remaining: int | None

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> RateHeaders:
        limit, interval, remaining = (
            _number(headers.get(f"x-ratelimit-{name}")) for name in ("limit", "interval", "remaining")
        )
        usable = limit is not None and interval is not None and limit >= 1 and interval > 0
        return cls(
            int(limit) if usable and limit is not None else None,
            interval if usable else None,
            int(remaining) if remaining is not None and remaining >= 0 else None,
        )


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def class_of(method: str) -> str:
    return "read" if method.upper() in ("GET", "HEAD") else "write"


def endpoint_of(method: str, path: str) -> str:
    """The endpoint Commerce Layer's burst limit applies to: "PATCH /api/orders/:id" (ids replaced)."""
    parts = path.split("?")[0].split("/")
    if len(parts) > 3 and parts[1] == "api":
        parts[3] = ":id"
    return f"{method.upper()} {'/'.join(parts)}"


def burst_of(limit: int, interval: float) -> tuple[int, float]:
    return max(1, limit // BURST_SHARE), interval / BURST_INTERVAL_SHARE


@dataclass
class Turn:
    """A request's turn: `answered` tells the pacer what came back."""

    pacer: Pacer
    kind: str
    endpoint: str
    waited: float
    sent: bool = False
    seen: Seen | None = None

    def sending(self) -> None:
        self.sent = True

    def answered(self, status: int, headers: Mapping[str, str]) -> None:
        self.sent = True
        self.seen = self.pacer.learn(self.kind, self.endpoint, status, RateHeaders.of(headers))


class Pacer:
    """Turns for Commerce Layer requests, from one budget (in this process unless one is given)."""

    def __init__(self, budget: RateBudget | None = None) -> None:
        self.budget: RateBudget = budget or InProcessBudget()
        self.limits: dict[str, tuple[int, float]] = {}  # class: (limit, interval) of its average window
        self._probing: set[str] = set()  # classes whose first request is out
        self._probed: dict[str, asyncio.Event] = {}  # set when it is back
        self._settling: set[asyncio.Task[None]] = set()

    def windows(self, kind: str, endpoint: str) -> tuple[Window, Window]:
        limit, interval = self.limits.get(kind, DEFAULT_AVERAGE)
        burst, burst_interval = burst_of(limit, interval)
        return Window(kind, limit, interval), Window(f"{kind} {endpoint}", burst, burst_interval)

    def learn(self, kind: str, endpoint: str, status: int, headers: RateHeaders) -> Seen | None:
        """Takes the class's limits from an answer's headers; what they say about our windows."""
        if headers.limit is not None and headers.interval is not None:
            learned = (headers.limit, headers.interval)
            if self.limits.get(kind) != learned:
                log.info("cl.rate_limits", kind=kind, limit=learned[0], interval=learned[1])
            self.limits[kind] = learned
        else:
            self.limits.setdefault(kind, DEFAULT_AVERAGE)
        average, burst = self.windows(kind, endpoint)
        if status == 429:
            # Remaining left means the average window had room: the endpoint's burst window refused it.
            if headers.remaining:
                return Seen(burst, burst.limit)
            return Seen(average, average.limit)
        if headers.remaining is None:
            return None
        return Seen(average, average.limit - headers.remaining)

    @contextlib.asynccontextmanager
    async def turn(self, method: str, path: str, not_after: float | None = None) -> AsyncIterator[Turn]:
        """Waits for the request's turn; raises NoTurn, having sent nothing, if it can't come by `not_after`
        (time.monotonic()). Inside, the request is sent once."""
        started = time.monotonic()
        kind, endpoint = class_of(method), endpoint_of(method, path)
        probing = await self._probe(kind, not_after)
        try:
            booking = await self._book(kind, endpoint, not_after)
            turn = Turn(self, kind, endpoint, waited=time.monotonic() - started)
            try:
                yield turn
            except Exception:
                await self.budget.settle(booking, sent=turn.sent, seen=turn.seen)
                raise
            except BaseException:  # cancelled: settle without waiting
                self._settle_soon(booking, turn)
                raise
            await self.budget.settle(booking, sent=turn.sent, seen=turn.seen)
        finally:
            if probing:
                self._probing.discard(kind)
                self._probed.pop(kind, asyncio.Event()).set()

    async def _probe(self, kind: str, not_after: float | None) -> bool:
        """Until a class's limits are known, its requests go one at a time: True for the one that goes."""
        while kind not in self.limits:
            if kind not in self._probing:
                self._probing.add(kind)
                return True
            done = self._probed.setdefault(kind, asyncio.Event())
            timeout = None if not_after is None else max(0.0, not_after - _now())
            try:
                await asyncio.wait_for(done.wait(), timeout)
            except TimeoutError:
                raise NoTurn("the first request of its kind, which learns the rate limits, is still out") from None
        return False

    async def _book(self, kind: str, endpoint: str, not_after: float | None) -> Booking:
        within = None if not_after is None else not_after - _now()
        if within is not None and within < 0:
            raise NoTurn("its time ran out")
        booking = await self.budget.reserve(self.windows(kind, endpoint), within)
        if booking is None:
            raise NoTurn("the rate limits leave it no turn")
        try:
            if booking.wait > 0:  # a turn due now goes now, without a pass of the event loop first
                await asyncio.sleep(booking.wait)
            while (wait := await self.budget.claim(booking)) > 0:
                if not_after is not None and _now() + wait > not_after:
                    raise NoTurn("the rate limits leave it no turn")
                await asyncio.sleep(wait)
        except BaseException:
            self._settle_soon(booking, None)
            raise
        return booking

    def _settle_soon(self, booking: Booking, turn: Turn | None) -> None:
        """Settles in the background: the caller is failing or being cancelled and can't wait for it."""
        sent = turn is not None and turn.sent
        task = asyncio.create_task(self.budget.settle(booking, sent=sent, seen=turn.seen if turn else None))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def aclose(self) -> None:
        if self._settling:
            await asyncio.gather(*self._settling, return_exceptions=True)
        await self.budget.aclose()


def _now() -> float:
    return time.monotonic()
