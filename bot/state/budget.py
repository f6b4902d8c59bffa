"""Commerce Layer's rate limits shared by processes: one budget of turns in Redis or Valkey (REDIS_URL).

Commerce Layer counts requests per IP, so the processes of one deployment behind one address spend
one allowance: each books its requests' turns here, as bot/commercelayer/pacing.py's
`InProcessBudget` books them in one process, with the same rules, in three Lua scripts that run
atomically on Redis's own clock (the processes' clocks are never compared):

    reserve   plans the first turn every window allows after the turns already planned (lanes)
    claim     lets a request leave if the requests already sent leave room in every window
    settle    the answer came back (the request counts from now) or nothing was sent (the turn is given
              back); adds, as sent now, what Commerce Layer's headers counted that no process here sent

Keys (`wallet-bot:{budget}:<window>:lanes` and `:claims`, one hash slot) expire by themselves a
little after the window's traffic stops. If Redis stops answering, the client keeps going on this
process's own budget (reads never stop for want of Redis; the processes may then together exceed the
limits for a while, and the 429s that follow teach each one), logs it once, and tries Redis again
every few seconds.
"""

from __future__ import annotations

import contextlib
import time

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.commercelayer.pacing import FLIGHT, MAX_UNSEEN, POLL, Booking, InProcessBudget, Seen, Window

PREFIX = "wallet-bot:{budget}:"
RETRY_AFTER = 5.0  # seconds on this process's budget before trying Redis again
log = structlog.get_logger("state")

_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""

# KEYS[i]: window i's lanes. ARGV: ticket, within (ms; -1: no bound), then per window its limit and
# interval (ms). Returns {wait, planned, lane...} in ms on Redis's clock, or {-1, now}.
RESERVE = (
    _NOW
    + """
local n = #KEYS
local at = now
for i = 1, n do
  local limit, interval = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - interval)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local lane = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    at = math.max(at, tonumber(lane[2]) + interval)
  end
end
local within = tonumber(ARGV[2])
if within >= 0 and at > now + within then return {'-1', tostring(now)} end
local function fit(nearly)
  local lanes, later = {}, at
  for i = 1, n do
    local interval = tonumber(ARGV[2 + 2 * i])
    local slack = nearly and math.floor(math.min(interval / 100, 250)) or 0
    local best = redis.call('ZREVRANGEBYSCORE', KEYS[i], at - interval + slack, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if best[1] then
      lanes[i] = best[1]
      later = math.max(later, tonumber(best[2]) + interval)
    else
      lanes[i] = ARGV[1] .. ':' .. i
    end
  end
  return lanes, later
end
local lanes, later = fit(true)
if within >= 0 and later > now + within then lanes = fit(false) else at = later end
local result = {tostring(at - now), tostring(at)}
for i = 1, n do
  redis.call('ZADD', KEYS[i], at, lanes[i])
  redis.call('PEXPIRE', KEYS[i], at - now + 2 * tonumber(ARGV[2 + 2 * i]))
  result[2 + i] = lanes[i]
end
return result
"""
)

# KEYS[i]: window i's claims. ARGV: ticket, flight (ms), poll (ms), then per window its limit and
# interval (ms). Returns {wait, now}: wait 0 means claimed.
CLAIM = (
    _NOW
    + """
local n = #KEYS
local wait = 0
for i = 1, n do
  local limit, interval = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - 2 * interval)
  local since = '(' .. (now - interval)
  local count = redis.call('ZCOUNT', KEYS[i], since, '+inf')
  if count >= limit then
    local oldest = redis.call('ZRANGEBYSCORE', KEYS[i], since, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
    local at = tonumber(oldest[2])
    if at > now then wait = math.max(wait, tonumber(ARGV[3])) else wait = math.max(wait, at + interval - now) end
  end
end
if wait > 0 then return {tostring(wait), tostring(now)} end
for i = 1, n do
  redis.call('ZADD', KEYS[i], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) + 2 * tonumber(ARGV[3 + 2 * i]))
end
return {'0', tostring(now)}
"""
)

# KEYS[i]: window i's lanes, KEYS[n + i]: its claims. ARGV: ticket, sent (1/0), planned, sent at (-1:
# never claimed), seen window (0: none), seen count, seen limit, seen interval (ms), max unseen, then
# per window its lane and interval (ms).
SETTLE = (
    _NOW
    + """
local n = #KEYS / 2
local ticket, sent, planned, sent_at = ARGV[1], ARGV[2] == '1', tonumber(ARGV[3]), tonumber(ARGV[4])
if sent_at < 0 then sent = false end
for i = 1, n do
  local lanes, claims = KEYS[i], KEYS[n + i]
  local lane, interval = ARGV[8 + 2 * i], tonumber(ARGV[9 + 2 * i])
  local score = redis.call('ZSCORE', lanes, lane)
  if (score and tonumber(score) == planned) or (not score and sent) then
    if sent then redis.call('ZADD', lanes, sent_at, lane) else redis.call('ZADD', lanes, planned - interval, lane) end
  end
  if sent then redis.call('ZADD', claims, 'XX', now, ticket) else redis.call('ZREM', claims, ticket) end
end
local seen = tonumber(ARGV[5])
if sent and seen > 0 then
  local lanes, claims = KEYS[seen], KEYS[n + seen]
  local limit, interval = tonumber(ARGV[7]), tonumber(ARGV[8])
  local ours = redis.call('ZCOUNT', claims, '(' .. (sent_at - interval), '+inf')
  local unseen = math.min(tonumber(ARGV[6]) - ours, tonumber(ARGV[9]))
  if unseen > 0 then
    local room = limit - redis.call('ZCARD', lanes)
    for k = 1, unseen do
      redis.call('ZADD', claims, now, ticket .. ':u' .. k)
      if k <= room then redis.call('ZADD', lanes, now, ticket .. ':u' .. k) end
    end
  end
end
return 'OK'
"""
)


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _windows_args(windows: tuple[Window, ...]) -> list[int]:
    return [value for window in windows for value in (window.limit, _ms(window.interval))]


class RedisBudget:
    """The rate-limit budget of every process that shares this Redis; this process's own when it is down."""

    engine = "redis"

    def __init__(self, client: Redis, *, retry_after: float = RETRY_AFTER) -> None:
        self._redis = client
        self._local = InProcessBudget()
        self._retry_after = retry_after
        self._reserve = client.register_script(RESERVE)
        self._claim = client.register_script(CLAIM)
        self._settle = client.register_script(SETTLE)
        self._down_until: float | None = None  # time.monotonic() after which Redis is tried again
        self._trying = False
        self._tickets = 0

    async def reserve(self, windows: tuple[Window, ...], within: float | None) -> Booking | None:
        if self._shared():
            try:
                booking = await self._reserve_shared(windows, within)
            except RedisError as error:
                self._down(error)
            else:
                self._up()
                return booking
            finally:
                self._trying = False
        return self._local.reserve_now(windows, within)

    async def claim(self, booking: Booking) -> float:
        if booking.engine == self._local.engine:
            return self._local.claim_now(booking)
        try:
            wait, now = await self._claim(keys=self._keys(booking, "claims"), args=self._claim_args(booking))
        except RedisError as error:
            self._down(error)
            # This turn goes on this process's budget now.
            local = self._local.reserve_now(booking.windows, None)
            assert local is not None
            booking.ticket, booking.engine, booking.planned, booking.lanes = (
                local.ticket,
                local.engine,
                local.planned,
                local.lanes,
            )
            return local.wait if local.wait > 0 else self._local.claim_now(booking)
        if float(wait) > 0:
            return float(wait) / 1000
        booking.sent_at = float(now)
        return 0.0

    async def settle(self, booking: Booking, *, sent: bool, seen: Seen | None = None) -> None:
        if booking.engine == self._local.engine:
            self._local.settle_now(booking, sent=sent, seen=seen)
            return
        keys = self._keys(booking, "lanes") + self._keys(booking, "claims")
        index = next((i for i, w in enumerate(booking.windows, start=1) if seen and w.key == seen.window.key), 0)
        args: list[str | int | float] = [
            booking.ticket,
            1 if sent else 0,
            booking.planned,
            -1 if booking.sent_at is None else booking.sent_at,
            index,
            seen.counted if seen and index else 0,
            seen.window.limit if seen and index else 0,
            _ms(seen.window.interval) if seen and index else 0,
            MAX_UNSEEN,
        ]
        for window, lane in zip(booking.windows, booking.lanes, strict=True):
            args += [lane, _ms(window.interval)]
        try:
            await self._settle(keys=keys, args=args)
        except RedisError as error:
            self._down(error)  # the turn stays counted in Redis until its window passes

    async def aclose(self) -> None:
        with contextlib.suppress(RedisError):
            await self._redis.aclose()

    async def _reserve_shared(self, windows: tuple[Window, ...], within: float | None) -> Booking | None:
        self._tickets += 1
        # Unique among processes: Redis's clock is shared, this process's id and counter are not.
        ticket = f"{id(self):x}.{time.time_ns():x}.{self._tickets}"
        args: list[str | int] = [ticket, -1 if within is None else max(0, int(within * 1000))]
        args += _windows_args(windows)
        result = await self._reserve(keys=[PREFIX + w.key + ":lanes" for w in windows], args=args)
        wait, planned, *lanes = (item.decode() if isinstance(item, bytes) else str(item) for item in result)
        if float(wait) < 0:
            return None
        return Booking(ticket, windows, float(wait) / 1000, self.engine, float(planned), tuple(lanes))

    def _keys(self, booking: Booking, kind: str) -> list[str]:
        return [f"{PREFIX}{window.key}:{kind}" for window in booking.windows]

    def _claim_args(self, booking: Booking) -> list[str | int]:
        return [booking.ticket, _ms(FLIGHT), _ms(POLL), *_windows_args(booking.windows)]

    def _shared(self) -> bool:
        """Whether to ask Redis: always while it answers; after an outage, one caller every few seconds."""
        if self._down_until is None:
            return True
        if self._trying or time.monotonic() < self._down_until:
            return False
        self._trying = True
        return True

    def _down(self, error: RedisError) -> None:
        if self._down_until is None:
            log.warning(
                "state.budget_unavailable",
                error=type(error).__name__,
                note="pacing Commerce Layer requests in this process until Redis answers again",
            )
        self._down_until = time.monotonic() + self._retry_after

    def _up(self) -> None:
        if self._down_until is not None:
            log.info("state.budget_shared_again")
        self._down_until = None
