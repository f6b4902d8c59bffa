"""The baseline: a plain httpx script making the Commerce Layer requests a save needs, nothing else.

The bot's end-to-end save divided by this one's states what the bot adds: Slack handling, checks,
logging, audit, its own client's retries and pacing."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.driver import TLS
from bot.sandbox import DEMO
from bot.wallet import ORDER_INCLUDE

JSONAPI = "application/vnd.api+json"


@dataclass(frozen=True)
class Timed:
    started: float
    finished: float

    @property
    def seconds(self) -> float:
        return self.finished - self.started


class PlainSaver:
    def __init__(self, url: str) -> None:
        self._url = url
        # One client (one connection) per save in flight: the requests' own cost, without the
        # quadratic bookkeeping of one shared httpx pool at hundreds of connections.
        self._clients: list[httpx.AsyncClient] = []
        self._token = ""

    def _client(self, index: int) -> httpx.AsyncClient:
        while len(self._clients) <= index:
            self._clients.append(httpx.AsyncClient(timeout=30.0, verify=TLS, limits=httpx.Limits(max_connections=1)))
        return self._clients[index]

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()

    async def login(self) -> None:
        body = {"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
        reply = await self._client(0).post(self._url + "/oauth/token", json=body)
        reply.raise_for_status()
        self._token = str(reply.json()["access_token"])

    def _headers(self, body: bool = False) -> dict[str, str]:
        headers = {"Accept": JSONAPI, "Authorization": f"Bearer {self._token}"}
        if body:
            headers["Content-Type"] = JSONAPI
        return headers

    async def save(self, order_id: str, pm_id: str, connection: int = 0) -> Timed:
        """Read the order, create its Stripe payment source, save it to the wallet: the bot's three requests."""
        http = self._client(connection)
        started = time.monotonic()
        read = await http.get(
            f"{self._url}/api/orders/{order_id}", params={"include": ORDER_INCLUDE}, headers=self._headers()
        )
        read.raise_for_status()
        read.json()
        create: dict[str, Any] = {
            "data": {
                "type": "stripe_payments",
                "attributes": {"options": {"id": pm_id, "setup_future_usage": "off_session"}},
                "relationships": {"order": {"data": {"type": "orders", "id": order_id}}},
            }
        }
        created = await http.post(
            f"{self._url}/api/stripe_payments", content=json.dumps(create), headers=self._headers(True)
        )
        created.raise_for_status()
        created.json()
        patch = {
            "data": {"type": "orders", "id": order_id, "attributes": {"_save_payment_source_to_customer_wallet": True}}
        }
        saved = await http.patch(
            f"{self._url}/api/orders/{order_id}",
            params={"include": "available_customer_payment_sources"},
            content=json.dumps(patch),
            headers=self._headers(True),
        )
        saved.raise_for_status()
        saved.json()
        return Timed(started, time.monotonic())

    async def warm(self, connections: int) -> None:
        await asyncio.gather(*(self._client(i).get(self._url + "/_sandbox/stats") for i in range(connections)))
