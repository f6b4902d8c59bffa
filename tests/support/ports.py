"""free_port(): a TCP port on loopback that nothing listens on, for a child process to take."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port the system just handed out; a child told to listen there takes it a moment later."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
