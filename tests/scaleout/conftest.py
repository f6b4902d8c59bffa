"""One real Redis-compatible server per test module, shared by the processes of each test."""

from tests.support.redis_server import redis_server

__all__ = ["redis_server"]
