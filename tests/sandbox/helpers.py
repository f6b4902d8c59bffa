"""Helpers shared by the sandbox tests."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from bot.sandbox import DEMO

JSONAPI = "application/vnd.api+json"
# One TLS context for every client: httpx builds one per client otherwise, the slowest part of a test.
TLS = ssl.create_default_context()


async def get_token(client: httpx.AsyncClient, **overrides: Any) -> str:
    body = {"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
    response = await client.post("/oauth/token", json={**body, **overrides})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": JSONAPI, "Content-Type": JSONAPI}


def stripe_payment_body(order_id: str, pm: str = "pm_card_visa", **attributes: Any) -> dict[str, Any]:
    options = {"id": pm, "setup_future_usage": "off_session"}
    return {
        "data": {
            "type": "stripe_payments",
            "attributes": {"options": options, **attributes},
            "relationships": {"order": {"data": {"type": "orders", "id": order_id}}},
        }
    }


def wallet_body(order_id: str) -> dict[str, Any]:
    attributes = {"_save_payment_source_to_customer_wallet": True}
    return {"data": {"type": "orders", "id": order_id, "attributes": attributes}}


def only_error(response: httpx.Response) -> dict[str, Any]:
    """The single JSON:API error of a response, after checking the error document's shape."""
    assert response.headers["content-type"].startswith(JSONAPI)
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    assert error["status"] == str(response.status_code)
    assert {"title", "detail", "code", "status"} <= error.keys()
    return error
