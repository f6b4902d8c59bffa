"""Writing: the stripe payment, the wallet save, the rules Commerce Layer enforces on both."""

from __future__ import annotations

from typing import Any

import httpx

from bot.sandbox import DEMO, Sandbox

from .helpers import only_error, stripe_payment_body, wallet_body


async def create_payment(api: httpx.AsyncClient, order_id: str, **attributes: Any) -> httpx.Response:
    return await api.post("/api/stripe_payments", json=stripe_payment_body(order_id, **attributes))


async def test_create_stripe_payment(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    metadata = {"slack_user": "U123"}
    response = await create_payment(api, DEMO.happy.id, reference_origin="wallet-bot", metadata=metadata)
    assert response.status_code == 201
    data = response.json()["data"]
    attributes = data["attributes"]
    assert data["type"] == "stripe_payments"
    assert attributes["options"] == {"id": "pm_card_visa", "setup_future_usage": "off_session"}
    assert attributes["stripe_id"].startswith("pi_")
    assert attributes["client_secret"].startswith(attributes["stripe_id"] + "_secret_")
    assert (attributes["payment_method"], attributes["mismatched_amounts"]) == (None, False)
    assert (attributes["reference_origin"], attributes["metadata"]) == ("wallet-bot", metadata)
    assert [p.id for p in sandbox.stripe_payments_for(DEMO.happy.id)] == [data["id"]]
    order = (await api.get(f"/api/orders/{DEMO.happy.id}", params={"include": "payment_source"})).json()
    assert order["data"]["relationships"]["payment_source"]["data"] == {"type": "stripe_payments", "id": data["id"]}


async def test_create_with_include_order(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/stripe_payments?include=order", json=stripe_payment_body(DEMO.bob_order.id))
    assert response.json()["included"][0]["id"] == DEMO.bob_order.id


async def test_create_refused_for_a_non_stripe_method(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await create_payment(api, DEMO.paypal.id)
    assert response.status_code == 422
    error = only_error(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["source"]["pointer"] == "/data/relationships/payment_gateway"
    assert sandbox.stripe_payments_for(DEMO.paypal.id) == []


async def test_create_refused_without_payment_method(api: httpx.AsyncClient) -> None:
    error = only_error(await create_payment(api, DEMO.no_method.id))
    assert error["detail"] == "payment_gateway - can't be blank"
    assert error["source"]["pointer"] == "/data/relationships/payment_gateway"


async def test_create_refused_for_a_cancelled_order(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await create_payment(api, DEMO.cancelled.id)
    assert response.status_code == 422
    assert only_error(response)["source"]["pointer"] == "/data/relationships/order"
    assert sandbox.stripe_payments_for(DEMO.cancelled.id) == []


async def test_create_for_a_guest_order_is_allowed(api: httpx.AsyncClient) -> None:
    # A guest can pay by card; only saving it to a wallet is impossible (see the wallet tests).
    assert (await create_payment(api, DEMO.guest.id)).status_code == 201


async def test_create_needs_the_order(api: httpx.AsyncClient) -> None:
    body = stripe_payment_body(DEMO.happy.id)
    del body["data"]["relationships"]
    response = await api.post("/api/stripe_payments", json=body)
    assert response.status_code == 422
    error = only_error(response)
    assert (error["code"], error["source"]["pointer"]) == ("VALIDATION_ERROR", "/data/relationships/order")
    response = await create_payment(api, "noSuchOrd")
    assert response.status_code == 404
    assert only_error(response)["code"] == "RECORD_NOT_FOUND"


async def test_create_refuses_unknown_attributes_and_wrong_type(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await create_payment(api, DEMO.happy.id, payment_method={"id": "pm_x"})
    assert response.status_code == 400
    error = only_error(response)
    assert (error["code"], error["source"]["pointer"]) == ("PARAM_NOT_ALLOWED", "/data/attributes/payment_method")
    body = stripe_payment_body(DEMO.happy.id)
    body["data"]["type"] = "paypal_payments"
    assert (await api.post("/api/stripe_payments", json=body)).status_code == 400
    invalid = await api.post("/api/stripe_payments", content=b"{not json")
    assert invalid.status_code == 400
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []


async def test_a_bad_include_changes_nothing(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await api.post("/api/stripe_payments?include=nope", json=stripe_payment_body(DEMO.happy.id))
    assert response.status_code == 400
    assert sandbox.stripe_payments_for(DEMO.happy.id) == []


async def test_options_cannot_change_after_creation(api: httpx.AsyncClient) -> None:
    payment_id = (await create_payment(api, DEMO.happy.id)).json()["data"]["id"]
    attributes = {"options": {"id": "pm_card_visa", "setup_future_usage": "on_session"}}
    body = {"data": {"type": "stripe_payments", "id": payment_id, "attributes": attributes}}
    response = await api.patch(f"/api/stripe_payments/{payment_id}", json=body)
    assert response.status_code == 422
    error = only_error(response)
    assert (error["code"], error["source"]["pointer"]) == ("VALIDATION_ERROR", "/data/attributes/options")
    stored = (await api.get(f"/api/stripe_payments/{payment_id}")).json()["data"]["attributes"]["options"]
    assert stored["setup_future_usage"] == "off_session"


async def test_stripe_payment_reference_is_updatable(api: httpx.AsyncClient) -> None:
    payment_id = (await create_payment(api, DEMO.happy.id)).json()["data"]["id"]
    body = {"data": {"type": "stripe_payments", "id": payment_id, "attributes": {"reference": "R-1"}}}
    response = await api.patch(f"/api/stripe_payments/{payment_id}", json=body)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["reference"] == "R-1"
    body["data"]["id"] = "other"
    response = await api.patch(f"/api/stripe_payments/{payment_id}", json=body)
    assert response.status_code == 400
    assert only_error(response)["code"] == "KEY_NOT_INCLUDED_IN_URL"


async def test_wallet_save(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    payment_id = (await create_payment(api, DEMO.happy.id, pm="pm_card_mastercard")).json()["data"]["id"]
    path = f"/api/orders/{DEMO.happy.id}?include=available_customer_payment_sources"
    response = await api.patch(path, json=wallet_body(DEMO.happy.id))
    assert response.status_code == 200
    doc = response.json()
    linkage = doc["data"]["relationships"]["available_customer_payment_sources"]["data"]
    assert len(linkage) == 1
    saved = doc["included"][0]
    assert saved["id"] == linkage[0]["id"]
    assert saved["attributes"]["name"] == "XXXX-XXXX-XXXX-4444"
    assert saved["attributes"]["payment_source_token"] == "pm_card_mastercard"
    assert saved["attributes"]["customer_token"].startswith("cus_")
    [entry] = sandbox.wallet(DEMO.alice.id)
    assert entry.payment_source == ("stripe_payments", payment_id)
    assert entry.payment_method_id == DEMO.stripe_method_id


async def test_wallet_save_twice_adds_nothing(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await create_payment(api, DEMO.bob_order.id, pm="pm_1NewBobCard000000001234")
    for _ in range(2):
        response = await api.patch(f"/api/orders/{DEMO.bob_order.id}", json=wallet_body(DEMO.bob_order.id))
        assert response.status_code == 200
    names = [s.name for s in sandbox.wallet(DEMO.bob.id)]
    assert names == [DEMO.bob_card_name, "XXXX-XXXX-XXXX-1234"]


async def assert_wallet_refused(api: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
    response = await api.patch(f"/api/orders/{order_id}", json=wallet_body(order_id))
    assert response.status_code == 422
    error = only_error(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["source"]["pointer"] == "/data/attributes/_save_payment_source_to_customer_wallet"
    return error


async def test_wallet_save_refused_for_a_guest(api: httpx.AsyncClient) -> None:
    await create_payment(api, DEMO.guest.id)
    error = await assert_wallet_refused(api, DEMO.guest.id)
    assert "customer" in error["detail"]


async def test_wallet_save_refused_without_off_session(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await assert_wallet_refused(api, DEMO.no_off_session.id)
    assert sandbox.wallet(DEMO.dave.id) == []


async def test_wallet_save_refused_for_other_sources(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await assert_wallet_refused(api, DEMO.paypal.id)  # a PayPal source
    await assert_wallet_refused(api, DEMO.happy.id)  # no source yet
    await assert_wallet_refused(api, DEMO.cancelled.id)
    assert sandbox.wallet(DEMO.alice.id) == []


async def test_wallet_save_accepts_options_payment_method(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    options = {"payment_method": "pm_card_amex", "setup_future_usage": "off_session"}
    body = stripe_payment_body(DEMO.happy.id)
    body["data"]["attributes"]["options"] = options
    assert (await api.post("/api/stripe_payments", json=body)).status_code == 201
    assert (await api.patch(f"/api/orders/{DEMO.happy.id}", json=wallet_body(DEMO.happy.id))).status_code == 200
    assert [s.name for s in sandbox.wallet(DEMO.alice.id)] == ["XXXX-XXXXXX-X0005"]


async def test_order_patch_rules(api: httpx.AsyncClient) -> None:
    path = f"/api/orders/{DEMO.happy.id}"
    mismatch = await api.patch(path, json=wallet_body("other"))
    assert only_error(mismatch)["code"] == "KEY_NOT_INCLUDED_IN_URL"
    body = {"data": {"type": "orders", "id": DEMO.happy.id, "attributes": {"status": "approved"}}}
    unknown = await api.patch(path, json=body)
    assert unknown.status_code == 400
    assert only_error(unknown)["source"]["pointer"] == "/data/attributes/status"
    body["data"]["attributes"] = {"reference": "ref-1", "metadata": {"k": "v"}}
    updated = (await api.patch(path, json=body)).json()["data"]["attributes"]
    assert (updated["reference"], updated["metadata"]) == ("ref-1", {"k": "v"})
    assert (await api.patch("/api/orders/nope", json=wallet_body("nope"))).status_code == 404


async def test_set_the_payment_method(api: httpx.AsyncClient) -> None:
    def body(method_id: str) -> dict[str, Any]:
        method = {"data": {"type": "payment_methods", "id": method_id}}
        return {"data": {"type": "orders", "id": DEMO.no_method.id, "relationships": {"payment_method": method}}}

    path = f"/api/orders/{DEMO.no_method.id}?include=payment_method"
    response = await api.patch(path, json=body(DEMO.stripe_method_id))
    assert response.status_code == 200
    assert response.json()["data"]["relationships"]["payment_method"]["data"]["id"] == DEMO.stripe_method_id
    assert (await create_payment(api, DEMO.no_method.id)).status_code == 201
    assert (await api.patch(path, json=body("pmUnknown1"))).status_code == 404


async def test_payment_method_must_be_available(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    order = sandbox.store.order_by_number("1006")
    assert order is not None
    order.available_payment_method_ids = [DEMO.paypal_method_id]
    method = {"data": {"type": "payment_methods", "id": DEMO.stripe_method_id}}
    body = {"data": {"type": "orders", "id": order.id, "relationships": {"payment_method": method}}}
    response = await api.patch(f"/api/orders/{order.id}", json=body)
    assert response.status_code == 422
    assert only_error(response)["source"]["pointer"] == "/data/relationships/payment_method"


async def test_delete_customer_payment_source(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    path = f"/api/customer_payment_sources/{DEMO.bob_card_id}"
    response = await api.delete(path)
    assert (response.status_code, response.content) == (204, b"")
    assert sandbox.wallet(DEMO.bob.id) == []
    assert (await api.get(path)).status_code == 404
    assert (await api.delete(path)).status_code == 404


async def test_unknown_route_and_method(api: httpx.AsyncClient) -> None:
    assert (await api.get("/api/nothing_here")).status_code == 404
    response = await api.post("/api/orders/ordPlaced1", json={})
    assert response.status_code == 405
    assert only_error(response)["status"] == "405"
