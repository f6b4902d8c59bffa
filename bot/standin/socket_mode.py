"""Slack's side of Socket Mode: the app's WebSocket, the envelopes sent over it and the app's acknowledgements."""

from __future__ import annotations

import asyncio
import json
import secrets

from aiohttp import web

from bot.standin.payloads import JSON

SOCKET_PATH = "/socket"


class SocketMode:
    """The WebSockets apps opened with the URL apps.connections.open gave them."""

    def __init__(self, app_id: str) -> None:
        self._app_id = app_id
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, JSON] = {}
        self._changed = asyncio.Event()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """One app's connection, from Slack's hello until the app closes it."""
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": self._app_id}})
        self._sockets.append(ws)
        self._changed.set()
        try:
            async for message in ws:
                data = json.loads(message.data) if message.type == web.WSMsgType.TEXT else None
                if isinstance(data, dict) and isinstance(data.get("envelope_id"), str):
                    self._acks[data["envelope_id"]] = data
                    self._changed.set()
        finally:
            self._sockets.remove(ws)
        return ws

    async def wait_for_connection(self, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not self._sockets:
                self._changed.clear()
                await self._changed.wait()

    async def send_envelope(self, kind: str, payload: JSON, timeout: float) -> JSON:
        envelope_id = secrets.token_hex(8)
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": True}
        await self._sockets[0].send_json(envelope)
        async with asyncio.timeout(timeout):
            while envelope_id not in self._acks:
                self._changed.clear()
                await self._changed.wait()
        return self._acks[envelope_id]
