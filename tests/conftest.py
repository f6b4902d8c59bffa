"""Shared fixtures: the Commerce Layer sandbox over loopback HTTP and a client pointed at it, and the
scenario fixtures (tests/support/scenario.py) for every package whose tests drive the whole app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commercelayer import ClientConfig, CommerceLayer, Credentials, RetryPolicy
from bot.sandbox import DEMO, Sandbox, start_sandbox
from bot.wallet import Actor, Wallet

# Loaded once this module is, so that the scenario fixtures can import FAST_RETRY from it.
pytest_plugins = ["tests.support.scenario"]

# Retries as in production, but with short waits so that a test of five retries takes milliseconds.
FAST_RETRY = RetryPolicy(
    attempts=5, total_timeout=10.0, wait_initial=0.01, wait_max=0.05, wait_jitter=0.01, request_timeout=2.0
)
ACTOR = Actor(team_id="T0TEST", user_id="U0TEST")


def reference_dir() -> Path:
    default = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference"
    return Path(os.environ.get("WALLET_REFERENCE_DIR", str(default)))


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
async def sandbox_url(sandbox: Sandbox) -> AsyncIterator[str]:
    server = await start_sandbox(sandbox, host="127.0.0.1", port=0)
    yield server.url
    await server.stop()


def make_client(url: str, retry: RetryPolicy = FAST_RETRY) -> CommerceLayer:
    return CommerceLayer(ClientConfig(Credentials(DEMO.client_id, DEMO.client_secret, url), url, retry))


@pytest.fixture
async def cl(sandbox_url: str) -> AsyncIterator[CommerceLayer]:
    client = make_client(sandbox_url)
    yield client
    await client.aclose()


@pytest.fixture
def wallet(cl: CommerceLayer) -> Wallet:
    return Wallet(cl)
