"""What tests and benchmarks control: rate limits, faults, latency, request records, /_sandbox/."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from tests.support.clock import FakeClock

from .helpers import get_token, headers, only_error, stripe_payment_body


async def burst(api: httpx.AsyncClient, path: str, n: int) -> list[int]:
    return [(await api.get(path)).status_code for _ in range(n)]


async def test_read_burst_limit_per_endpoint(api: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    sandbox.rate_limits = True
    assert await burst(api, "/api/orders/ordPlaced1", 25) == [200] * 25
    refused = await api.get("/api/orders/ordPlaced1")
    assert refused.status_code == 429
    error = only_error(refused)
    assert (error["code"], error["title"]) == ("TOO_MANY_REQUESTS", "Too many requests")
    assert refused.headers["X-Ratelimit-Limit"] == "100"
    assert refused.headers["X-Ratelimit-Interval"] == "60"
    assert refused.headers["X-Ratelimit-Remaining"] == "75"
    assert "X-Ratelimit-Reset" not in refused.headers
    assert (await api.get("/api/orders/ordGuest02")).status_code == 429  # same endpoint (route template)...
    assert (await api.get("/api/customers/cusAlice01")).status_code == 200  # ...another endpoint is fine
    clock.advance(10.01)
    assert (await api.get("/api/orders/ordPlaced1")).status_code == 200


async def test_refused_requests_do_not_count(api: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    sandbox.rate_limits = True
    path = "/api/customers/cusBob0001"
    await burst(api, path, 20)
    clock.advance(5)
    assert await burst(api, path, 5) == [200] * 5
    assert await burst(api, path, 3) == [429] * 3
    clock.advance(5.5)  # the first 20 left the window; 5 remain
    assert await burst(api, path, 20) == [200] * 20
    assert (await api.get(path)).status_code == 429


async def test_read_average_limit(api: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    sandbox.rate_limits = True
    for path in ("/api/orders", "/api/customers", "/api/payment_methods", "/api/customer_payment_sources"):
        assert await burst(api, path, 25) == [200] * 25
    refused = await api.get("/api/stripe_payments")
    assert (refused.status_code, refused.headers["X-Ratelimit-Remaining"]) == (429, "0")
    clock.advance(60)
    assert (await api.get("/api/stripe_payments")).status_code == 200


async def test_write_burst_limit_applies_nothing(api: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    sandbox.rate_limits = True
    path = f"/api/orders/{DEMO.happy.id}"

    def body(reference: str) -> dict[str, object]:
        return {"data": {"type": "orders", "id": DEMO.happy.id, "attributes": {"reference": reference}}}

    for i in range(25):
        assert (await api.patch(path, json=body(f"r{i}"))).status_code == 200
    assert (await api.patch(path, json=body("refused"))).status_code == 429
    order = sandbox.store.order_by_number("1001")
    assert order is not None
    assert order.reference == "r24"
    assert (await api.get(path)).status_code == 200  # reads are another class
    clock.advance(10.01)
    assert (await api.patch(path, json=body("later"))).status_code == 200


async def test_token_endpoint_limit(client: httpx.AsyncClient, sandbox: Sandbox, clock: FakeClock) -> None:
    sandbox.rate_limits = True
    for _ in range(30):
        await get_token(client)
    body = {"grant_type": "client_credentials", "client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
    refused = await client.post("/oauth/token", json=body)
    assert refused.status_code == 429
    assert (refused.headers["X-Ratelimit-Limit"], refused.headers["X-Ratelimit-Interval"]) == ("30", "60")
    clock.advance(60)
    await get_token(client)


async def test_limits_off_by_default(api: httpx.AsyncClient) -> None:
    assert set(await burst(api, "/api/orders/ordPlaced1", 30)) == {200}


async def test_status_fault(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="POST", path=r"^/api/stripe_payments$", kind=FaultKind.STATUS, status=500)
    body = stripe_payment_body(DEMO.happy.id)
    failed = await api.post("/api/stripe_payments", json=body)
    assert failed.status_code == 500
    assert only_error(failed)["code"] == "INTERNAL_SERVER_ERROR"
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []
    assert (await api.post("/api/stripe_payments", json=body)).status_code == 201


async def test_status_429_fault_has_rate_limit_headers(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="GET", path=r"^/api/orders", kind=FaultKind.STATUS, status=429, times=2, skip=1)
    statuses = await burst(api, "/api/orders/ordPlaced1", 4)
    assert statuses == [200, 429, 429, 200]
    sandbox.inject_fault(method="GET", path=r"^/api/orders", kind=FaultKind.STATUS, status=429)
    refused = await api.get("/api/orders/ordPlaced1")
    assert only_error(refused)["code"] == "TOO_MANY_REQUESTS"
    assert refused.headers["X-Ratelimit-Remaining"] == "0"
    assert refused.headers["X-Ratelimit-Limit"] == "1000000"  # rate limits off: out of reach


async def test_drop_fault(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="POST", path=r"^/api/stripe_payments$", kind=FaultKind.DROP)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.post("/api/stripe_payments", json=stripe_payment_body(DEMO.happy.id))
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []
    assert sandbox.requests[-1].status is None
    assert sandbox.requests[-1].fault is FaultKind.DROP
    assert (await api.post("/api/stripe_payments", json=stripe_payment_body(DEMO.happy.id))).status_code == 201


async def test_lost_response_applies_the_change(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="POST", path=r"^/api/stripe_payments$", kind=FaultKind.LOST_RESPONSE)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.post("/api/stripe_payments", json=stripe_payment_body(DEMO.happy.id))
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1


async def test_timeout_fault_holds_then_drops(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject_fault(method="PATCH", path=r"^/api/orders/", kind=FaultKind.TIMEOUT, hold=30)
    body = {"data": {"type": "orders", "id": DEMO.happy.id, "attributes": {"reference": "held"}}}
    with pytest.raises(httpx.ReadTimeout):  # the client gives up long before the 30 s hold
        await api.patch(f"/api/orders/{DEMO.happy.id}", json=body, timeout=0.2)
    sandbox.inject_fault(method="PATCH", path=r"^/api/orders/", kind=FaultKind.TIMEOUT, hold=0.05)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.patch(f"/api/orders/{DEMO.happy.id}", json=body)
    order = sandbox.store.order_by_number("1001")
    assert order is not None
    assert order.reference is None


async def test_clear_faults(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject_fault(path=r"^/api/", kind=FaultKind.STATUS, status=503, times=None)
    assert await burst(api, "/api/orders", 2) == [503, 503]
    sandbox.clear_faults()
    assert (await api.get("/api/orders")).status_code == 200


async def test_latency_is_applied(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.latency = 5.0
    with pytest.raises(httpx.ReadTimeout):  # observed, not timed: the answer can't arrive within 0.2 s
        await api.get("/api/orders/ordPlaced1", timeout=0.2)
    sandbox.latency = 0.0
    assert (await api.get("/api/orders/ordPlaced1")).status_code == 200


async def test_latency_never_blocks_the_loop(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.latency = 0.2
    results = await asyncio.gather(*(api.get("/api/orders/ordPlaced1") for _ in range(5)))
    assert [r.status_code for r in results] == [200] * 5


async def test_requests_are_recorded(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.reset_requests()
    await api.get("/api/orders", params={"filter[q][number_eq]": "1001"})
    await api.post("/api/stripe_payments", json=stripe_payment_body(DEMO.happy.id))
    first, second = sandbox.requests
    assert (first.method, first.path, first.status) == ("GET", "/api/orders", 200)
    assert first.raw_path == "/api/orders?filter%5Bq%5D%5Bnumber_eq%5D=1001"
    assert first.query == {"filter[q][number_eq]": "1001"}
    assert second.body == stripe_payment_body(DEMO.happy.id)
    assert second.at >= first.at
    assert "Bearer" not in repr(sandbox.requests)
    assert sandbox.count() == 2
    assert sandbox.count(method="POST") == 1
    assert sandbox.count(path=r"^/api/orders$") == 1
    assert sandbox.count(method="GET", path="stripe") == 0


async def test_add_order(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    first, second = sandbox.add_order(), sandbox.add_order(customer_email="other@example.com")
    assert (first.number, second.number) == ("2001", "2002")
    doc = (await api.get(f"/api/orders/{first.id}", params={"include": "customer,payment_method"})).json()
    assert doc["data"]["attributes"]["status"] == "placed"
    assert {r["type"]: r["id"] for r in doc["included"]}["payment_methods"] == DEMO.stripe_method_id
    assert first.customer_id == sandbox.add_order().customer_id  # same email, same customer
    bare = sandbox.add_order(number="3000", with_stripe_method=False)
    assert sandbox.store.order_by_number("3000") is not None
    assert bare.number == "3000"
    with pytest.raises(ValueError, match="exists"):
        sandbox.add_order(number="1001")
    response = await api.post("/api/stripe_payments", json=stripe_payment_body(bare.id))
    assert response.status_code == 422


async def test_control_api(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    token = await get_token(client)
    await client.get("/api/orders/ordPlaced1", headers=headers(token))
    stats = (await client.get("/_sandbox/stats")).json()
    assert stats == {
        "requests": 2,
        "by_route": {"POST /oauth/token": 1, "GET /api/orders/:id": 1},
        "statuses": {"200": 2},
    }
    config = await client.post("/_sandbox/config", json={"latency": 0.01, "rate_limits": True, "token_lifetime": 60})
    assert config.json() == {"latency": 0.01, "rate_limits": True, "token_lifetime": 60}
    assert (sandbox.latency, sandbox.rate_limits, sandbox.token_lifetime) == (0.01, True, 60)
    assert (await client.post("/_sandbox/config", json={"latency": -1})).status_code == 400
    fault = {"method": "GET", "path": "^/api/orders", "kind": "status", "status": 502, "times": 1}
    assert (await client.post("/_sandbox/faults", json=fault)).status_code == 201
    assert (await client.get("/api/orders", headers=headers(token))).status_code == 502
    assert (await client.post("/_sandbox/faults", json={**fault, "kind": "bogus"})).status_code == 400
    await client.post("/_sandbox/faults", json=fault)
    assert (await client.delete("/_sandbox/faults")).status_code == 204
    assert (await client.get("/api/orders", headers=headers(token))).status_code == 200
    orders = (await client.post("/_sandbox/orders", json={"count": 3})).json()
    assert [o["number"] for o in orders] == ["2001", "2002", "2003"]
    assert (await client.post("/_sandbox/reset-requests")).status_code == 204
    assert (await client.get("/_sandbox/stats")).json() == {"requests": 0, "by_route": {}, "statuses": {}}
    assert sandbox.count() == 0  # control requests are never recorded
