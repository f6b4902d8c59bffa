"""Reading: resource objects, include, sparse fieldsets, pagination, filters."""

from __future__ import annotations

import httpx

from bot.sandbox import DEMO

from .helpers import JSONAPI, only_error


async def test_order_resource_object(api: httpx.AsyncClient, server_url: str) -> None:
    response = await api.get("/api/orders/ordPlaced1")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSONAPI)
    data = response.json()["data"]
    assert (data["id"], data["type"]) == ("ordPlaced1", "orders")
    assert data["links"]["self"] == f"{server_url}/api/orders/ordPlaced1"
    attributes = data["attributes"]
    assert attributes["number"] == "1001"
    assert attributes["status"] == "placed"
    assert attributes["formatted_total_amount_with_taxes"] == "€57,00"
    assert attributes["total_amount_with_taxes_cents"] == 5700
    assert data["meta"]["mode"] == "test"
    customer = data["relationships"]["customer"]
    assert customer["links"]["related"] == f"{server_url}/api/orders/ordPlaced1/customer"
    assert "data" not in customer  # linkage only when included
    assert "included" not in response.json()


async def test_include_adds_linkage_and_deduplicated_included(api: httpx.AsyncClient) -> None:
    params = {"include": "customer,payment_method,available_payment_methods,payment_source"}
    doc = (await api.get("/api/orders/ordPlaced1", params=params)).json()
    relationships = doc["data"]["relationships"]
    assert relationships["customer"]["data"] == {"type": "customers", "id": DEMO.alice.id}
    assert relationships["payment_source"]["data"] is None
    assert [m["id"] for m in relationships["available_payment_methods"]["data"]] == ["pmStripe01", "pmPaypal01"]
    included = [(r["type"], r["id"]) for r in doc["included"]]
    assert sorted(included) == [
        ("customers", "cusAlice01"),
        ("payment_methods", "pmPaypal01"),
        ("payment_methods", "pmStripe01"),
    ]
    stripe = next(r for r in doc["included"] if r["id"] == "pmStripe01")
    assert stripe["attributes"]["payment_source_type"] == "stripe_payments"


async def test_polymorphic_payment_source_and_nested_include(api: httpx.AsyncClient) -> None:
    doc = (await api.get("/api/orders/ordPaypal3", params={"include": "payment_source"})).json()
    assert doc["data"]["relationships"]["payment_source"]["data"] == {"type": "paypal_payments", "id": "ppPaypal03"}
    params = {"include": "available_customer_payment_sources.payment_source"}
    doc = (await api.get("/api/orders/ordBob0007", params=params)).json()
    assert doc["data"]["relationships"]["available_customer_payment_sources"]["data"] == [
        {"type": "customer_payment_sources", "id": DEMO.bob_card_id}
    ]
    card = next(r for r in doc["included"] if r["type"] == "customer_payment_sources")
    assert card["attributes"]["name"] == DEMO.bob_card_name
    assert card["attributes"]["payment_source_token"] == DEMO.bob_card_token
    assert card["relationships"]["payment_source"]["data"]["type"] == "stripe_payments"
    assert any(r["type"] == "stripe_payments" for r in doc["included"])


async def test_unknown_include_is_400(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/orders/ordPlaced1", params={"include": "customer,line_itemz"})
    assert response.status_code == 400
    assert only_error(response)["code"] == "INVALID_INCLUDE"


async def test_sparse_fieldsets(api: httpx.AsyncClient) -> None:
    params = {"fields[orders]": "number,status,customer", "include": "customer", "fields[customers]": "email"}
    doc = (await api.get("/api/orders/ordPlaced1", params=params)).json()
    assert doc["data"]["attributes"] == {"number": "1001", "status": "placed"}
    assert set(doc["data"]["relationships"]) == {"customer"}
    assert doc["included"][0]["attributes"] == {"email": "alice@example.com"}
    response = await api.get("/api/orders/ordPlaced1", params={"fields[orders]": "numbr"})
    assert response.status_code == 400
    assert only_error(response)["code"] == "INVALID_FIELD"


async def test_unknown_id_is_record_not_found(api: httpx.AsyncClient) -> None:
    for path in ("/api/orders/nope", "/api/customers/nope/customer_payment_sources", "/api/stripe_payments/nope"):
        response = await api.get(path)
        assert response.status_code == 404
        error = only_error(response)
        assert (error["code"], error["title"]) == ("RECORD_NOT_FOUND", "Record not found")


async def test_pagination_over_thirty_wallet_entries(api: httpx.AsyncClient) -> None:
    path = f"/api/customers/{DEMO.carol.id}/customer_payment_sources"
    first = (await api.get(path)).json()
    assert first["meta"] == {"record_count": 30, "page_count": 3}
    assert len(first["data"]) == 10
    assert set(first["links"]) == {"first", "next", "last"}
    seen = [r["id"] for r in first["data"]]
    next_url = first["links"]["next"]
    while next_url:
        page = (await api.get(next_url)).json()
        seen += [r["id"] for r in page["data"]]
        next_url = page["links"].get("next")
    assert len(seen) == len(set(seen)) == 30
    big = (await api.get(path, params={"page[size]": "25", "page[number]": "2"})).json()
    assert (len(big["data"]), big["meta"]["page_count"], "next" in big["links"]) == (5, 2, False)
    beyond = (await api.get(path, params={"page[number]": "9"})).json()
    assert beyond["data"] == []


async def test_page_size_above_25_is_invalid(api: httpx.AsyncClient) -> None:
    for params in ({"page[size]": "26"}, {"page[size]": "0"}, {"page[number]": "x"}):
        response = await api.get("/api/orders", params=params)
        assert response.status_code == 400
        assert only_error(response)["code"] == "INVALID_PAGE_VALUE"


async def test_filters(api: httpx.AsyncClient) -> None:
    orders = (await api.get("/api/orders", params={"filter[q][number_eq]": "1004"})).json()
    assert [o["id"] for o in orders["data"]] == [DEMO.no_off_session.id]
    assert orders["meta"]["record_count"] == 1
    none = (await api.get("/api/orders", params={"filter[q][number_eq]": "999999"})).json()
    assert none["data"] == []
    assert none["meta"]["record_count"] == 0
    customers = (await api.get("/api/customers", params={"filter[q][email_eq]": "bob@example.com"})).json()
    assert [c["id"] for c in customers["data"]] == [DEMO.bob.id]
    params = {"filter[q][customer_id_eq]": DEMO.carol.id, "page[size]": "25"}
    sources = (await api.get("/api/customer_payment_sources", params=params)).json()
    assert sources["meta"]["record_count"] == 30
    statuses = (await api.get("/api/orders", params={"filter[q][status_eq]": "cancelled"})).json()
    assert [o["id"] for o in statuses["data"]] == [DEMO.cancelled.id]


async def test_unsupported_filter_is_400(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/orders", params={"filter[q][secret_thing_eq]": "1"})
    assert response.status_code == 400
    assert only_error(response)["code"] == "FILTER_NOT_ALLOWED"


async def test_sort(api: httpx.AsyncClient) -> None:
    params = {"filter[q][number_in]": "1001,1002,1003", "sort": "-number"}
    doc = (await api.get("/api/orders", params=params)).json()
    assert [o["attributes"]["number"] for o in doc["data"]] == ["1003", "1002", "1001"]


async def test_related_endpoints(api: httpx.AsyncClient) -> None:
    wallet = (await api.get(f"/api/orders/{DEMO.bob_order.id}/available_customer_payment_sources")).json()
    assert [r["id"] for r in wallet["data"]] == [DEMO.bob_card_id]
    guest = (await api.get(f"/api/orders/{DEMO.guest.id}/available_customer_payment_sources")).json()
    assert guest["data"] == []
    assert guest["meta"]["record_count"] == 0
    method = (await api.get(f"/api/payment_methods/{DEMO.paypal_method_id}")).json()
    assert method["data"]["attributes"]["payment_source_type"] == "paypal_payments"
    customer = (await api.get(f"/api/orders/{DEMO.guest.id}/customer")).json()
    assert customer["data"] is None


async def test_demo_data(api: httpx.AsyncClient) -> None:
    orders = (
        await api.get(
            "/api/orders", params={"filter[q][number_in]": ",".join(o.number for o in DEMO.orders), "page[size]": "25"}
        )
    ).json()
    by_number = {o["attributes"]["number"]: o for o in orders["data"]}
    assert {n: o["id"] for n, o in by_number.items()} == {o.number: o.id for o in DEMO.orders}
    assert by_number["1002"]["attributes"]["guest"] is True
    assert by_number["1005"]["attributes"]["status"] == "cancelled"
    assert by_number["1006"]["attributes"]["status"] == "pending"
