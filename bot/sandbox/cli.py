"""`python -m bot sandbox`: a sandbox server in the foreground, with a banner of its demo data."""

from __future__ import annotations

import asyncio
import signal

from bot.sandbox.core import Sandbox
from bot.sandbox.demo import DEMO
from bot.sandbox.inferred import Inferred
from bot.sandbox.server import SandboxServer, start_sandbox


def banner(server: SandboxServer) -> str:
    sandbox = server.sandbox
    creds = sandbox.credentials
    lines = [
        f"Commerce Layer sandbox ({sandbox.mode} mode) on {server.url}",
        f"  auth:  {server.url}/oauth/token   api: {server.url}/api",
        f"  CL_AUTH_URL={server.url} CL_API_URL={server.url}",
        f"  CL_CLIENT_ID={creds.client_id} CL_CLIENT_SECRET={creds.client_secret}  (demo credentials)",
        f"  latency {sandbox.latency:g}s, rate limits {'on' if sandbox.rate_limits else 'off'}, "
        f"tokens last {sandbox.token_lifetime}s",
        "",
        f"  {'order':<7}{'id':<13}{'customer':<13}demonstrates",
    ]
    lines += [f"  {o.number:<7}{o.id:<13}{o.customer_id or '(guest)':<13}{o.demonstrates}" for o in DEMO.orders]
    lines += ["", f"  {'customer':<13}{'email':<20}wallet"]
    lines += [f"  {c.id:<13}{c.email:<20}{c.wallet}" for c in DEMO.customers]
    lines += [
        "",
        "  Stripe test cards: pm_card_visa, pm_card_mastercard, pm_card_amex.",
        f"  Where Commerce Layer documents nothing, the sandbox follows {len(Inferred)} inferred rules "
        "(bot/sandbox/inferred.py).",
        "  Ctrl-C stops.",
    ]
    return "\n".join(lines)


async def _serve(host: str, port: int, latency: float, rate_limits: bool, token_lifetime: int) -> None:
    sandbox = Sandbox()
    sandbox.latency, sandbox.rate_limits, sandbox.token_lifetime = latency, rate_limits, token_lifetime
    server = await start_sandbox(sandbox, host=host, port=port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    print(banner(server), flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
        print("Sandbox stopped.", flush=True)


def serve_forever(
    host: str, port: int, *, latency: float = 0.0, rate_limits: bool = False, token_lifetime: int = 7200
) -> None:
    """Runs a sandbox server until SIGINT or SIGTERM (blocking, in its own event loop)."""
    asyncio.run(_serve(host, port, latency, rate_limits, token_lifetime))
