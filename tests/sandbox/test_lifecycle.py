"""The wallet's lifecycle on the sandbox: reusing a saved card on an order, card details, removing a
card, and the filters /wallet history reads with (reference_origin, metadata_jcont, sort, include)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.sandbox import DEMO, Sandbox

from .helpers import only_error, stripe_payment_body

USE_POINTER = "/data/attributes/_customer_payment_source_id"


def use_body(order_id: str, card_id: str) -> dict[str, Any]:
    return {"data": {"type": "orders", "id": order_id, "attributes": {"_customer_payment_source_id": card_id}}}


async def use(api: httpx.AsyncClient, order_id: str, card_id: str) -> httpx.Response:
    return await api.patch(f"/api/orders/{order_id}?include=payment_source", json=use_body(order_id, card_id))


async def test_reusing_a_saved_card_makes_a_stripe_payment_for_the_order(api: httpx.AsyncClient) -> None:
    response = await use(api, DEMO.bob_pending.id, DEMO.bob_card_id)
    assert response.status_code == 200
    doc = response.json()
    linkage = doc["data"]["relationships"]["payment_source"]["data"]
    assert linkage["type"] == "stripe_payments"
    payment = next(item for item in doc["included"] if item["id"] == linkage["id"])["attributes"]
    assert payment["options"] == {"customer": payment["options"]["customer"], "payment_method": DEMO.bob_card_token}
    assert payment["options"]["customer"].startswith("cus_")
    # The card's details come with it, from the payment the card was saved from.
    instrument = {"issuer_type": "card", "card_type": "mastercard", "card_last_digits": "4444"}
    assert payment["payment_instrument"] == instrument | {"card_expiry_month": "8", "card_expiry_year": "2028"}
    assert (payment["reference_origin"], payment["metadata"]) == (None, {})
    details = doc["data"]["attributes"]["payment_source_details"]
    assert details["payment_method_id"] == DEMO.bob_card_token
    assert details["payment_method_details"] == {
        "brand": "mastercard",
        "last4": "4444",
        "exp_month": 8,
        "exp_year": 2028,
    }


@pytest.mark.parametrize(
    ("order", "card", "status", "pointer", "detail"),
    [
        (DEMO.happy.id, DEMO.bob_card_id, 422, USE_POINTER, "can't be used on a placed order"),
        (DEMO.cancelled.id, DEMO.bob_card_id, 422, USE_POINTER, "can't be used on a cancelled order"),
        (DEMO.bob_pending.id, "cpsNoSuch01", 404, USE_POINTER, "The requested resource was not found."),
        (DEMO.bob_pending.id, DEMO.erin_card_ids[0], 422, USE_POINTER, "belongs to another customer"),
        (DEMO.erin_draft.id, DEMO.erin_card_ids[0], 422, "/data/relationships/payment_method", "payment method"),
    ],
    ids=["placed", "cancelled", "unknown card", "another customer's card", "no payment method"],
)
async def test_reuse_refusals_change_nothing(
    api: httpx.AsyncClient, sandbox: Sandbox, order: str, card: str, status: int, pointer: str, detail: str
) -> None:
    response = await use(api, order, card)
    assert response.status_code == status
    error = only_error(response)
    assert (error["source"]["pointer"], detail in error["detail"]) == (pointer, True)
    assert sandbox.stripe_payments_for(order) == []


async def test_reuse_is_refused_on_an_order_already_authorized(api: httpx.AsyncClient, sandbox: Sandbox) -> None:
    order = sandbox.store.order_by_number("1009")
    assert order is not None
    order.payment_status = "authorized"
    error = only_error(await use(api, order.id, DEMO.bob_card_id))
    assert (error["code"], error["detail"]) == (
        "VALIDATION_ERROR",
        "_customer_payment_source_id - can't be used on an order whose payment is authorized",
    )


async def test_a_stripe_payment_has_its_card_details_from_creation(api: httpx.AsyncClient) -> None:
    created = await api.post("/api/stripe_payments", json=stripe_payment_body(DEMO.happy.id, pm="pm_card_visa"))
    instrument = created.json()["data"]["attributes"]["payment_instrument"]
    assert (instrument["card_type"], instrument["card_last_digits"]) == ("visa", "4242")
    order = (await api.get(f"/api/orders/{DEMO.happy.id}")).json()["data"]["attributes"]
    assert order["payment_source_details"]["payment_method_details"]["last4"] == "4242"


async def test_a_patch_of_metadata_replaces_it(api: httpx.AsyncClient) -> None:
    payment_id = "spBobOld01"
    body = {"data": {"type": "stripe_payments", "id": payment_id, "attributes": {"metadata": {"a": "1"}}}}
    assert (await api.patch(f"/api/stripe_payments/{payment_id}", json=body)).status_code == 200
    body["data"]["attributes"] = {"metadata": {"b": "2"}, "reference_origin": "wallet-bot"}
    updated = (await api.patch(f"/api/stripe_payments/{payment_id}", json=body)).json()["data"]["attributes"]
    assert (updated["metadata"], updated["reference_origin"]) == ({"b": "2"}, "wallet-bot")


async def test_deleting_a_saved_card_answers_204_and_keeps_its_payment(
    api: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    path = f"/api/customer_payment_sources/{DEMO.erin_card_ids[0]}"
    response = await api.delete(path)
    assert (response.status_code, response.content) == (204, b"")
    assert [card.id for card in sandbox.wallet(DEMO.erin.id)] == [DEMO.erin_card_ids[1]]
    assert (await api.get("/api/stripe_payments/spErinOld1")).status_code == 200
    again = await api.delete(path)
    assert (again.status_code, only_error(again)["code"]) == (404, "RECORD_NOT_FOUND")


async def tag(api: httpx.AsyncClient, payment_id: str, metadata: dict[str, Any]) -> None:
    attributes = {"reference_origin": "wallet-bot", "metadata": metadata}
    body = {"data": {"type": "stripe_payments", "id": payment_id, "attributes": attributes}}
    assert (await api.patch(f"/api/stripe_payments/{payment_id}", json=body)).status_code == 200


async def test_history_filters_sort_and_include(api: httpx.AsyncClient) -> None:
    await tag(api, "spCarOld01", {"slack_user_id": "U1", "order_id": "ordCarOld01"})
    await tag(api, "spCarOld02", {"slack_user_id": "U2", "removed": {"slack_user_id": "U1", "at": "x"}})
    await tag(api, "spCarOld03", {"slack_user_id": "U2", "tags": ["a", "b"]})
    params = {
        "filter[q][reference_origin_eq]": "wallet-bot",
        "sort": "-updated_at",
        "include": "order",
        "fields[orders]": "number,customer_email",
    }
    doc = (await api.get("/api/stripe_payments", params=params)).json()
    assert [item["id"] for item in doc["data"]] == ["spCarOld03", "spCarOld02", "spCarOld01"]
    assert {item["attributes"]["number"] for item in doc["included"]} == {"701", "702", "703"}
    assert set(doc["included"][0]["attributes"]) == {"number", "customer_email"}

    async def matching(jcont: dict[str, Any]) -> list[str]:
        found = (
            await api.get("/api/stripe_payments", params={**params, "filter[q][metadata_jcont]": json.dumps(jcont)})
        ).json()
        return sorted(item["id"] for item in found["data"])

    assert await matching({"slack_user_id": "U1"}) == ["spCarOld01"]
    assert await matching({"removed": {"slack_user_id": "U1"}}) == ["spCarOld02"]
    assert await matching({"tags": ["b"]}) == ["spCarOld03"]
    assert await matching({"slack_user_id": "U3"}) == []


@pytest.mark.parametrize("value", ["not json", "[1]", '"text"'])
async def test_metadata_jcont_takes_a_json_object(api: httpx.AsyncClient, value: str) -> None:
    response = await api.get("/api/stripe_payments", params={"filter[q][metadata_jcont]": value})
    assert response.status_code == 400
    assert only_error(response)["code"] == "INVALID_FILTER_VALUE"


async def test_saved_cards_are_found_by_their_tokens(api: httpx.AsyncClient) -> None:
    tokens = f"{DEMO.bob_card_token},pm_unknown"
    doc = (await api.get("/api/customer_payment_sources", params={"filter[q][payment_source_token_in]": tokens})).json()
    assert [item["id"] for item in doc["data"]] == [DEMO.bob_card_id]
