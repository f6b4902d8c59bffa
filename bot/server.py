"""The ASGI app a PaaS runs: Bolt at POST /slack/events, GET /healthz, and a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.supervisors import Multiprocess

from bot.commercelayer import ClientConfig, CommerceLayer, Credentials
from bot.commercelayer.pacing import RateBudget
from bot.commercelayer.retry import RetryPolicy
from bot.logs import configure_logging, scrub
from bot.settings import Mode, Settings, load_settings
from bot.slack.answers import AnswersFirst
from bot.slack.app import create_app
from bot.slack.drain import Drain
from bot.state import SharedState
from bot.state.budget import RedisBudget
from bot.state.lease import LeaseTerms
from bot.state.local import InProcessState
from bot.state.redis import RedisState, describe, redis_client

# Heroku-style platforms kill a process 30 s after SIGTERM: leave room to exit cleanly.
DRAIN_SECONDS = 25.0
log = structlog.get_logger("server")


@dataclass
class Runtime:
    settings: Settings
    cl: CommerceLayer
    state: SharedState
    drain: Drain
    answers: AnswersFirst
    slack_http: aiohttp.ClientSession
    app: AsyncApp


def build_runtime(settings: Settings, *, retry: RetryPolicy | None = None) -> Runtime:
    secret = settings.CL_CLIENT_SECRET.get_secret_value() if settings.CL_CLIENT_SECRET else ""
    credentials = Credentials(settings.CL_CLIENT_ID or "", secret, settings.CL_AUTH_URL, settings.CL_SCOPE)
    cl = CommerceLayer(
        ClientConfig(credentials, settings.CL_API_URL, retry or RetryPolicy()), budget=rate_budget(settings)
    )
    state = shared_state(settings)
    drain, answers = Drain(), AnswersFirst()
    # Created here, inside the running event loop that will use it.
    slack_http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
    app = create_app(settings, cl, state, drain, answers, slack_http)
    return Runtime(settings, cl, state, drain, answers, slack_http, app)


def shared_state(settings: Settings) -> SharedState:
    """Redis when REDIS_URL is set, this process otherwise; start-up says which in one line."""
    terms = LeaseTerms(deadline=settings.WALLET_SAVE_DEADLINE)
    if settings.REDIS_URL is None:
        log.info("bot.shared_state", engine="in-process", note="one process: save locks and buttons live here")
        return InProcessState(terms)
    url = settings.REDIS_URL.get_secret_value()
    log.info("bot.shared_state", engine="redis", at=describe(url), workers=settings.workers)
    return RedisState(redis_client(url, tls_insecure=settings.REDIS_TLS_INSECURE), terms)


def rate_budget(settings: Settings) -> RateBudget | None:
    """Commerce Layer's rate limits are per IP: with REDIS_URL, every process paces from one budget in
    Redis (bot/state/budget.py); without it, the client's own budget in this process."""
    if settings.REDIS_URL is None:
        return None
    return RedisBudget(redis_client(settings.REDIS_URL.get_secret_value(), tls_insecure=settings.REDIS_TLS_INSECURE))


def create_asgi(runtime: Runtime) -> Starlette:
    handler = AsyncSlackRequestHandler(runtime.app)

    async def events(request: Request) -> Response:
        # Bolt reads some payload fields without checking their type (a view without "type", an
        # action that is not an object): it raises, or answers 500 after logging the error. Such a
        # payload is a bad request, not a server failure, and no listener got past it. Our own
        # listeners catch their own failures, so a 500 here can only come from that dispatching.
        try:
            # Counted as awaiting its answer once it has fully arrived: a client slow to send its
            # body must not hold back the work of requests already answered.
            await request.body()
            with runtime.answers.answering():
                response = await handler.handle(request)
        except Exception as error:
            log.warning("slack.request_not_understood", error=type(error).__name__)
            return JSONResponse({"error": "request not understood"}, status_code=400)
        if response.status_code >= 500:
            log.warning("slack.request_not_understood", status=response.status_code)
            return JSONResponse({"error": "request not understood"}, status_code=400)
        return response

    async def healthz(request: Request) -> Response:
        # Always 200: a platform must not restart a process that serves reads because Redis is
        # down; the shared state's status is reported for whoever looks. Slack and Commerce Layer
        # are not called.
        state = await runtime.state.status()
        shared = {"engine": state.engine, "ok": state.ok} | ({"detail": state.detail} if state.detail else {})
        return JSONResponse({"status": "ok", "in_flight": runtime.drain.in_flight, "shared_state": shared})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # uvicorn stops taking requests first; then the saves already acknowledged may finish.
        runtime.drain.close()
        if not await runtime.drain.wait_idle(DRAIN_SECONDS):
            log.error("server.drain_timeout", in_flight=runtime.drain.in_flight)
        await runtime.cl.aclose()
        await runtime.slack_http.close()
        await runtime.state.aclose()

    return Starlette(
        routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
        lifespan=lifespan,
    )


def uvicorn_config(app: Starlette | str, host: str, port: int, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        # httptools, uvicorn's C parser, spends far less CPU per Slack request than h11 (docs/findings.md).
        http="httptools",
        log_config=None,  # our JSON logging is configured by each process
        access_log=False,
        timeout_graceful_shutdown=3,
        lifespan="on",
        **extra,
    )


def serve_workers(settings: Settings, host: str) -> None:
    """WEB_CONCURRENCY worker processes on one port, as uvicorn runs them; SIGTERM drains every one."""
    log.info("bot.serving", port=settings.PORT, workers=settings.workers)
    config = uvicorn_config("bot.server:worker_app", host, settings.PORT, factory=True, workers=settings.workers)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def worker_app() -> Starlette:
    """One worker process's app: it reads the environment itself, as the parent did."""
    configure_logging()
    settings = load_settings(Mode.SERVE)
    scrub.add(settings.secrets())
    runtime = build_runtime(settings)
    freeze_startup_objects()
    return create_asgi(runtime)


def freeze_startup_objects() -> None:
    """Keep what start-up built (modules, classes, the app) out of the cycle collector's full passes.

    Those objects live as long as the process, yet every full pass scanned them all, stalling every
    request in flight (docs/findings.md). After gc.freeze() a pass scans only what requests created since.
    """
    gc.collect()
    gc.freeze()


class _EmbeddedServer(uvicorn.Server):
    """Leaves the process's signal handlers alone: its host (a test, the console) owns them."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class RunningServer:
    server: uvicorn.Server
    task: asyncio.Task[None]
    url: str

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


async def start_server(runtime: Runtime, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve in the current event loop (tests, console); returns once it accepts connections."""
    return await start_asgi(create_asgi(runtime), host, port)


async def start_asgi(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve any Starlette app as `start_server` serves the bot's, for tests that stand up an app of their own."""
    server = _EmbeddedServer(uvicorn_config(app, host, port))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the server stopped while starting")
        await asyncio.sleep(0.01)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(server, task, f"http://{host}:{bound_port}")
