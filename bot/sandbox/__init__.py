"""A Commerce Layer emulator over real HTTP, with demo data, for tests, benchmarks and demos.

    sandbox = Sandbox()
    server = await start_sandbox(sandbox)   # server.url: auth at /oauth/token, API at /api/...
    ...
    await server.stop()

It keeps Commerce Layer's rules for the wallet flow (JSON:API shapes, status codes, error codes,
rate limits) and lets tests add latency, expire tokens and inject faults. Where Commerce Layer
documents nothing, it follows the rules listed in inferred.py, each named where it is applied.
"""

from bot.sandbox.cli import serve_forever
from bot.sandbox.core import RecordedRequest, Sandbox
from bot.sandbox.demo import DEMO, Demo, DemoCustomer, DemoOrder
from bot.sandbox.faults import FaultKind
from bot.sandbox.ratelimit import Limit, RateLimitPolicy
from bot.sandbox.server import SandboxServer, start_sandbox

__all__ = [
    "DEMO",
    "Demo",
    "DemoCustomer",
    "DemoOrder",
    "FaultKind",
    "Limit",
    "RateLimitPolicy",
    "RecordedRequest",
    "Sandbox",
    "SandboxServer",
    "serve_forever",
    "start_sandbox",
]
