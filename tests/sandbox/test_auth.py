"""Tokens, their expiry, and the JSON:API headers every request needs."""

from __future__ import annotations

import httpx
import jwt

from bot.sandbox import DEMO, Sandbox
from tests.support.clock import FakeClock

from .helpers import JSONAPI, get_token, headers, only_error


async def test_token_has_commerce_layer_shape_and_claims(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    body = {"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
    response = await client.post("/oauth/token", json=body)
    assert response.status_code == 200
    token = response.json()
    assert token.keys() == {"access_token", "token_type", "expires_in", "scope", "created_at"}
    assert (token["token_type"], token["expires_in"], token["scope"]) == ("bearer", 7200, "market:all")
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert claims["organization"]["slug"] == "wallet-sandbox"
    assert claims["organization"]["enterprise"] is False
    assert claims["application"]["kind"] == "integration"
    assert claims["application"]["client_id"] == DEMO.client_id
    assert claims["test"] is True
    assert claims["iss"] == "https://auth.commercelayer.io"
    assert claims["exp"] - claims["iat"] == 7200
    assert isinstance(claims["rand"], float)


async def test_scope_is_echoed(client: httpx.AsyncClient) -> None:
    token = await get_token(client, scope="market:code:europe")
    assert jwt.decode(token, options={"verify_signature": False})["scope"] == "market:code:europe"


async def test_wrong_credentials_are_invalid_client(client: httpx.AsyncClient) -> None:
    body = {"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": "nope"}
    response = await client.post("/oauth/token", json=body)
    assert response.status_code == 401
    assert only_error(response)["code"] == "INVALID_CLIENT"


async def test_other_grant_types_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/oauth/token", json={"grant_type": "password", "client_id": DEMO.client_id})
    assert response.status_code == 400


async def test_the_secret_is_never_recorded(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    token = await get_token(client)
    await client.get("/api/orders", headers=headers(token))
    recorded = repr(sandbox.requests)
    assert DEMO.client_secret not in recorded
    assert token not in recorded


async def test_missing_or_foreign_token_is_invalid_token(client: httpx.AsyncClient) -> None:
    foreign = jwt.encode({"exp": 4_000_000_000}, "another-key-that-is-long-enough-for-hs256", algorithm="HS256")
    for auth in ({}, {"Authorization": f"Bearer {foreign}"}, {"Authorization": "Basic abc"}):
        response = await client.get("/api/orders", headers={"Accept": JSONAPI, **auth})
        assert response.status_code == 401
        error = only_error(response)
        assert (error["code"], error["title"]) == ("INVALID_TOKEN", "Invalid token")


async def test_expire_tokens_invalidates_issued_tokens(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    token = await get_token(client)
    assert (await client.get("/api/orders", headers=headers(token))).status_code == 200
    sandbox.expire_tokens()
    response = await client.get("/api/orders", headers=headers(token))
    assert response.status_code == 401
    assert only_error(response)["code"] == "INVALID_TOKEN"
    fresh = await get_token(client)
    assert (await client.get("/api/orders", headers=headers(fresh))).status_code == 200


async def test_token_lifetime_expires_on_the_clock(
    client: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    sandbox.token_lifetime = 60
    token = await get_token(client)
    clock.advance(59)
    assert (await client.get("/api/orders", headers=headers(token))).status_code == 200
    clock.advance(2)
    assert only_error(await client.get("/api/orders", headers=headers(token)))["code"] == "INVALID_TOKEN"


async def test_wrong_accept_is_406(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/orders", headers={"Accept": "application/json"})
    assert response.status_code == 406
    assert only_error(response)["code"] == "NOT_ACCEPTABLE"


async def test_wrong_content_type_is_415(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/stripe_payments", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415
    assert only_error(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_responses_carry_rate_limit_headers(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.rate_limits = True
    response = await api.get("/api/orders/ordPlaced1")
    assert response.headers["X-Ratelimit-Limit"] == "100"
    assert response.headers["X-Ratelimit-Interval"] == "60"
    assert int(response.headers["X-Ratelimit-Remaining"]) == 99
    assert "X-Ratelimit-Reset" not in response.headers
    sandbox.rate_limits = False  # enforcing nothing, the sandbox says its limit is out of reach
    response = await api.get("/api/orders/ordPlaced1")
    assert (response.headers["X-Ratelimit-Limit"], response.headers["X-Ratelimit-Interval"]) == ("1000000", "60")
