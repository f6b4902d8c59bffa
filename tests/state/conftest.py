"""A real Redis-compatible server per test module, emptied before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from tests.support.redis_server import RedisServer, redis_server

__all__ = ["redis", "redis_server"]


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    if not redis_server.running:  # a test stopped it
        redis_server.start()
    client = Redis.from_url(redis_server.url)
    await client.flushall()
    yield client
    await client.aclose()
