"""serve_forever: a sandbox in another process, announced with its demo data, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys

import httpx

from bot.sandbox import DEMO, Sandbox
from bot.sandbox.cli import banner
from bot.sandbox.server import start_sandbox

SCRIPT = "from bot.sandbox import serve_forever; serve_forever('127.0.0.1', 0, latency=0.0)"


async def test_banner_lists_credentials_and_demo_orders() -> None:
    server = await start_sandbox(Sandbox())
    try:
        text = banner(server)
    finally:
        await server.stop()
    assert server.url in text
    assert DEMO.client_id in text
    assert DEMO.client_secret in text
    for order in DEMO.orders:
        assert order.number in text
        assert order.id in text
    for customer in DEMO.customers:
        assert customer.email in text


async def test_serve_forever_runs_until_sigterm() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SCRIPT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        first_line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        url = first_line.rsplit(" on ", 1)[1].strip()
        async with httpx.AsyncClient(base_url=url) as client:
            await client.post("/_sandbox/orders", json={"count": 2})
            assert (await client.get("/_sandbox/stats")).json()["requests"] == 0
    finally:
        process.send_signal(signal.SIGTERM)
        output = await asyncio.wait_for(process.communicate(), 10)
    assert process.returncode == 0, output[1].decode()
    assert b"Sandbox stopped." in output[0]
