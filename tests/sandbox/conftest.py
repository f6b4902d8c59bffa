"""Fixtures: a sandbox on a free loopback port, an httpx client, and a Commerce Layer token."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.sandbox import Sandbox, SandboxServer, start_sandbox
from tests.support.clock import FakeClock

from .helpers import TLS, get_token, headers


@pytest.fixture
def clock() -> FakeClock:
    """The sandbox's clock (epoch seconds), moved by tests instead of sleeping."""
    return FakeClock(time.time())


@pytest.fixture
def sandbox(clock: FakeClock) -> Sandbox:
    return Sandbox(clock=clock)


@pytest.fixture
async def server(sandbox: Sandbox) -> AsyncIterator[SandboxServer]:
    server = await start_sandbox(sandbox, host="127.0.0.1", port=0)
    yield server
    await server.stop()


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=5.0, verify=TLS) as client:
        yield client


@pytest.fixture
async def api(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends a valid token and the JSON:API headers, as a Commerce Layer client does."""
    token = await get_token(client)
    async with httpx.AsyncClient(base_url=str(client.base_url), headers=headers(token), timeout=5.0, verify=TLS) as api:
        yield api


@pytest.fixture
def server_url(server: SandboxServer) -> str:
    return server.url
