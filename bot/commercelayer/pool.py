"""Connections to Commerce Layer spread over several small httpx pools instead of one large one.

httpcore 1.0's connection pool re-examines its state on every request start and end, in time
quadratic in its connections (for every idle connection it counts all of them; for every queued
request it scans all of them). With 200 saves in flight a single pool holds 200+ connections, and
the benchmark (`make bench`) measured that bookkeeping as most of the process's CPU: 11 s for
600 requests with the old 50-connection cap (which also queued requests behind 50 connections),
32 s with one pool of 512. Pools of 32 keep it to a few hundred steps per event, and the same
limits in total. Each pool is httpx's own transport, so timeouts and errors are unchanged.
"""

from __future__ import annotations

import itertools

import httpx

SHARDS = 16
CONNECTIONS_PER_SHARD = 32  # 512 in all: more than the saves one process keeps in flight


class ShardedTransport(httpx.AsyncBaseTransport):
    """Hands each request to the next of `shards` transports in turn."""

    def __init__(self, shards: int = SHARDS, connections: int = CONNECTIONS_PER_SHARD) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        # One TLS context for all: each would otherwise load the CA bundle again (18 ms and
        # memory apiece, at start-up).
        tls = httpx.create_ssl_context()
        self._shards = [httpx.AsyncHTTPTransport(verify=tls, limits=limits) for _ in range(shards)]
        self._turn = itertools.cycle(self._shards)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await next(self._turn).handle_async_request(request)

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()
