"""The wallet tests run against the sandbox (tests/conftest.py); lease tests also against a real Redis."""

from __future__ import annotations

from tests.support.redis_server import redis_server

__all__ = ["redis_server"]
