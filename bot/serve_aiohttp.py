"""Serve an aiohttp app inside the running event loop: how the sandbox and the Slack stand-in listen."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web


@dataclass(frozen=True)
class AiohttpServing:
    """An app accepting connections at `url`."""

    url: str
    port: int
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


async def serve_aiohttp(
    app: web.Application, host: str = "127.0.0.1", port: int = 0, *, shutdown_timeout: float = 60.0
) -> AiohttpServing:
    """Returns once `app` accepts connections on `host`; port 0 picks a free port.

    `shutdown_timeout` bounds how long stop() waits for requests still being answered.
    """
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_port = int(runner.addresses[0][1])
    return AiohttpServing(f"http://{host}:{bound_port}", bound_port, runner)
