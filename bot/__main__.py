"""`python -m bot [serve|socket|console|sandbox]`: the ways Wallet bot runs."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import structlog
import uvicorn

from bot.logs import configure_logging, scrub
from bot.server import build_runtime, create_asgi, freeze_startup_objects, serve_workers, uvicorn_config
from bot.settings import Mode, Settings, SettingsError, load_settings

log = structlog.get_logger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Wallet bot for Slack and Commerce Layer")
    sub = parser.add_subparsers(dest="mode")
    for name, text in (
        ("serve", "serve Slack over HTTP on $PORT (the default)"),
        ("socket", "Socket Mode, for a development Slack app"),
    ):
        mode = sub.add_parser(name, help=text)
        mode.add_argument("--sandbox", action="store_true", help="use the built-in Commerce Layer sandbox")
    console = sub.add_parser("console", help="play Slack in this terminal, against the sandbox by default")
    console.add_argument("--live", action="store_true", help="use the configured Commerce Layer, not the sandbox")
    console.add_argument("--demo", action="store_true", help="play a scripted save instead of reading input")
    console.add_argument("--demo-bulk", action="store_true", help="play a scripted bulk save of a CSV file")
    sandbox = sub.add_parser("sandbox", help="run the Commerce Layer sandbox on a port")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    sandbox.add_argument("--rate-limits", action="store_true", help="enforce Commerce Layer's test-mode limits")
    sandbox.add_argument("--token-lifetime", type=int, default=7200)
    return parser


def _bulk_demo() -> int:
    from bot.console.session import bulk_demo, run_console

    with tempfile.TemporaryDirectory(prefix="wallet-bot-demo-") as folder:
        sandbox, lines = bulk_demo(Path(folder))
        return int(asyncio.run(run_console(live=False, lines=lines, sandbox=sandbox)))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    mode = args.mode or "serve"
    if mode == "sandbox":
        from bot.sandbox import serve_forever

        serve_forever(
            args.host, args.port, latency=args.latency, rate_limits=args.rate_limits, token_lifetime=args.token_lifetime
        )
        return 0
    if mode == "console":
        from bot.console.session import DEMO_SCRIPT, run_console

        if args.demo_bulk:
            return _bulk_demo()
        lines = DEMO_SCRIPT if args.demo else None
        return int(asyncio.run(run_console(live=args.live, lines=lines)))
    configure_logging()
    use_sandbox = bool(getattr(args, "sandbox", False))
    try:
        settings = load_settings(Mode(mode), sandbox=use_sandbox)
    except SettingsError as error:
        for line in error.lines:
            print(f"wallet-bot: {line}", file=sys.stderr)
        return 2
    scrub.add(settings.secrets())
    if mode == "serve" and settings.workers != settings.WEB_CONCURRENCY:
        log.warning(
            "bot.one_worker",
            reason=f"WEB_CONCURRENCY={settings.WEB_CONCURRENCY} was set by {settings.WEB_CONCURRENCY_SET_BY}, "
            "and several workers need REDIS_URL",
        )
    if mode == "serve" and settings.workers > 1:
        serve_workers(settings, "0.0.0.0")  # noqa: S104
        log.info("bot.stopped")
        return 0
    return asyncio.run(_serve(settings, socket=mode == "socket", sandbox=use_sandbox))


async def _serve(settings: Settings, *, socket: bool, sandbox: bool) -> int:
    stop_sandbox = None
    if sandbox:
        from bot.sandbox.embedded import sandbox_settings

        settings, stop_sandbox = await sandbox_settings(settings)
    runtime = build_runtime(settings)
    freeze_startup_objects()
    try:
        if socket:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            assert settings.SLACK_APP_TOKEN is not None
            log.info("bot.socket_mode", sandbox=sandbox)
            handler = AsyncSocketModeHandler(runtime.app, settings.SLACK_APP_TOKEN.get_secret_value())
            await handler.start_async()  # type: ignore[no-untyped-call]
        else:
            log.info("bot.serving", port=settings.PORT, sandbox=sandbox)
            # uvicorn re-raises the stop signal once it has drained; a handler that ignores it lets
            # the process exit 0 (a clean stop) instead of dying of SIGTERM.
            signal.signal(signal.SIGTERM, lambda *_: None)
            await uvicorn.Server(uvicorn_config(create_asgi(runtime), "0.0.0.0", settings.PORT)).serve()  # noqa: S104
            log.info("bot.stopped")
    finally:
        if stop_sandbox is not None:
            await stop_sandbox()
    return 0


if __name__ == "__main__":
    sys.exit(main())
