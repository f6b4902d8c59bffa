"""`python -m bench.proxy --port P URL...`: one port in front of several `python -m bot serve` processes.

A PaaS router spreads requests over a web service's dynos or instances; this stands in for it with
the smallest thing that does the same here: each new TCP connection goes to the next backend in turn,
and bytes are copied both ways until either side closes. The bench sends each request of a burst on a
connection of its own, so connections in turn are requests in turn. It runs as its own process,
as a router runs on other machines: its CPU is not the bench's, nor the bot's.

uvicorn can't be asked for SO_REUSEPORT (its `bind_socket` sets SO_REUSEADDR only), and the bot's
`serve` binds its port itself, so two processes can't share one port without a router.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import sys
import urllib.parse
from collections.abc import Sequence

BACKLOG = 2048  # a burst opens hundreds of connections at once; uvicorn's own backlog is 2048
CHUNK = 65536


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()


async def serve(port: int, backends: Sequence[tuple[str, int]]) -> None:
    turn = itertools.cycle(backends)

    async def relay(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        host, backend_port = next(turn)
        try:
            reader, writer = await asyncio.open_connection(host, backend_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, writer), _pipe(reader, client_writer))

    server = await asyncio.start_server(relay, "127.0.0.1", port, backlog=BACKLOG)
    async with server:
        await server.serve_forever()


def _backend(url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None or parts.port is None:
        raise argparse.ArgumentTypeError(f"expected http://host:port, got {url!r}")
    return parts.hostname, parts.port


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.proxy", description="one port, round-robin over backends")
    parser.add_argument("--port", type=int, required=True, help="the one port, on 127.0.0.1")
    parser.add_argument("backends", nargs="+", type=_backend, help="http://127.0.0.1:PORT of each process")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.backends))
    return 0


if __name__ == "__main__":
    sys.exit(main())
