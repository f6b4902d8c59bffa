"""Shared state in Redis or Valkey (REDIS_URL), through redis-py's own asyncio client and lock.

The lock is redis-py's `SET NX PX` lease with a Lua compare-and-delete release. Its weakness is that
a holder that outlives the key's time to live loses it silently, and Commerce Layer can't check a
fencing token. So the lease is renewed while its holder lives, the work inside it has a hard
deadline, and the holder checks that it still owns the lease before each write (`RedisLease.check`).
A lock object is created per acquisition: redis-py keeps the lock's token in the object, and one
object shared by two tasks lets one release the other's lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.lock import Lock
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, RedisError

from bot.state import LeaseLost, OrderBusy, StateStatus, StateUnavailable
from bot.state.lease import WRITE_RESERVE, LeaseTerms
from bot.state.local import InProcessState

PREFIX = "wallet-bot:"
MAX_CONNECTIONS = 8  # per client and process
log = structlog.get_logger("state")
# Compare-and-set and compare-and-delete of a claim, in one step on the server.
_SWAP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def redis_client(url: str, *, tls_insecure: bool = False) -> Redis:
    options: dict[str, Any] = {
        "socket_timeout": 2.0,
        "socket_connect_timeout": 2.0,
        "health_check_interval": 15,
        # A client made from a URL does not retry at all: after Redis restarts, each pooled connection
        # (closed by the old server) failed its next command, refusing saves while Redis was back.
        # One retry on a new connection, for a connection error only: the command did not reach a
        # server that answers. A timeout is not retried (it may have been applied).
        "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    }
    if tls_insecure and url.startswith("rediss://"):
        # Heroku Key-Value Store serves a self-signed certificate: verification is off for this
        # connection only, never process-wide.
        options.update(ssl_cert_reqs="none", ssl_check_hostname=False)
    # A pool that waits for a free connection: redis-py's default pool raises MaxConnectionsError
    # past 100 connections, which refused half of a 200-save burst in one process (docs/findings.md,
    # "Scaling out"). A command holds its connection for one round trip, so a few serve a burst, and
    # managed Redis plans cap connections per instance.
    pool = BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=2.0, **options)
    client: Redis = Redis.from_pool(pool)
    return client


def describe(url: str) -> str:
    """The URL's scheme, host and port: never its password."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"


class RedisLease:
    def __init__(self, lock: Lock, deadline: float, waited: bool) -> None:
        self._lock = lock
        self.deadline = deadline
        self.waited = waited
        self.lost: str | None = None

    async def check(self) -> None:
        if self.lost:
            raise LeaseLost(self.lost)
        if time.monotonic() > self.deadline - WRITE_RESERVE:
            raise LeaseLost("its time ran out")
        try:
            owned = await self._lock.owned()
        except RedisError:
            raise LeaseLost("the shared state (Redis) stopped answering") from None
        if not owned:
            raise LeaseLost("another process took it over")

    async def keep_alive(self, every: float) -> None:
        """Renews the key's time to live until cancelled, or until it can't."""
        while True:
            await asyncio.sleep(every)
            try:
                await self._lock.reacquire()
            except (LockError, RedisError) as error:
                self.lost = "it could not be renewed"
                log.warning("state.lease_not_renewed", error=type(error).__name__)
                return


class RedisState:
    engine = "redis"

    def __init__(self, client: Redis, terms: LeaseTerms | None = None) -> None:
        self._redis = client
        self.terms = terms or LeaseTerms()
        # Saves of one order in this process queue here first, and never reach Redis to contend.
        self._local = InProcessState(self.terms)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[RedisLease]:
        async with self._local.hold(key) as local:
            lock = self._redis.lock(PREFIX + "lock:" + key, timeout=self.terms.ttl, raise_on_release_error=False)
            waited = await self._acquire(lock)
            renewing: asyncio.Task[None] | None = None
            try:
                lately = await self._held_lately(key)
                lease = RedisLease(lock, time.monotonic() + self.terms.deadline, waited or lately or local.waited)
                renewing = asyncio.create_task(lease.keep_alive(self.terms.renew_every))
                yield lease
            finally:
                if renewing is not None:
                    renewing.cancel()
                # Shielded: a save cancelled at shutdown still frees the order at once.
                await asyncio.shield(self._release(lock))

    async def _acquire(self, lock: Lock) -> bool:
        """Takes the lock; True if it had to wait for another holder first."""
        try:
            if await lock.acquire(blocking=False):
                return False
            if await lock.acquire(blocking=True, blocking_timeout=self.terms.wait):
                return True
        except RedisError as error:
            log.error("state.unavailable", error=type(error).__name__)
            raise StateUnavailable("the shared state (Redis) can't be reached") from None
        raise OrderBusy("another process holds the order")

    async def _held_lately(self, key: str) -> bool:
        """Whether any process began a hold of `key` within `terms.remembered`; this one is remembered in turn.

        A save reads its order before it takes the lease: one that took the lease without waiting may
        still have read the order before another save's writes (LeaseTerms.remembered)."""
        try:
            before = await self._redis.set(PREFIX + "held:" + key, "1", px=int(self.terms.remembered * 1000), get=True)
        except RedisError as error:
            log.error("state.unavailable", error=type(error).__name__)
            raise StateUnavailable("the shared state (Redis) can't be reached") from None
        return before is not None

    async def _release(self, lock: Lock) -> None:
        try:
            await lock.release()
        except (LockError, RedisError) as error:
            # The key expires by itself within the lease's time to live.
            log.warning("state.lock_not_released", error=type(error).__name__)

    async def use_once(self, key: str, ttl: float) -> bool:
        try:
            return bool(await self._redis.set(PREFIX + "once:" + key, "1", nx=True, px=int(ttl * 1000)))
        except RedisError as error:
            log.error("state.unavailable", error=type(error).__name__)
            raise StateUnavailable("the shared state (Redis) can't be reached") from None

    async def claim(self, key: str, value: str, ttl: float) -> str | None:
        async with _reaching_redis():
            # SET NX GET: set when absent, and the value held otherwise, in one command.
            held = await self._redis.set(PREFIX + "claim:" + key, value, nx=True, get=True, px=int(ttl * 1000))
        return _text(held)

    async def peek(self, key: str) -> str | None:
        async with _reaching_redis():
            return _text(await self._redis.get(PREFIX + "claim:" + key))

    async def swap(self, key: str, expected: str, value: str, ttl: float) -> bool:
        async with _reaching_redis():
            done = await self._redis.eval(_SWAP, 1, PREFIX + "claim:" + key, expected, value, int(ttl * 1000))
        return bool(done)

    async def release(self, key: str, expected: str) -> None:
        async with _reaching_redis():
            await self._redis.eval(_RELEASE, 1, PREFIX + "claim:" + key, expected)

    async def status(self) -> StateStatus:
        try:
            await asyncio.wait_for(self._redis.ping(), 1.0)
        except (RedisError, TimeoutError) as error:
            return StateStatus(self.engine, ok=False, detail=type(error).__name__)
        return StateStatus(self.engine, ok=True)

    async def aclose(self) -> None:
        with contextlib.suppress(RedisError):
            await self._redis.aclose()


@contextlib.asynccontextmanager
async def _reaching_redis() -> AsyncIterator[None]:
    """Turns Redis failing into StateUnavailable: whatever the state guards must not run unguarded."""
    try:
        yield
    except RedisError as error:
        log.error("state.unavailable", error=type(error).__name__)
        raise StateUnavailable("the shared state (Redis) can't be reached") from None


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
