"""Whatever a client sends, a write answers with a JSON:API error or applies cleanly: never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sandbox import DEMO
from bot.sandbox.demo import load_demo
from bot.sandbox.errors import ApiError
from bot.sandbox.models import Store
from bot.sandbox.operations import create_stripe_payment, update_order, update_stripe_payment

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
names = st.sampled_from(["type", "id", "attributes", "relationships", "options", "order", "payment_method"])
attribute_names = st.sampled_from(
    ["options", "reference", "metadata", "_save_payment_source_to_customer_wallet", "foo", "_refresh"]
)
documents = st.fixed_dictionaries(
    {
        "data": st.fixed_dictionaries(
            {"type": st.sampled_from(["orders", "stripe_payments", "x"]), "id": st.sampled_from(["ordPlaced1", "x"])},
            optional={
                "attributes": st.dictionaries(attribute_names, json_values, max_size=3),
                "relationships": st.dictionaries(names, json_values, max_size=2),
            },
        )
    }
)
bodies = json_values | documents


def apply(operation: Any, *args: Any) -> None:
    refusal: ApiError | None = None
    try:
        operation(*args)
    except ApiError as exc:
        refusal = exc
    if refusal is not None:
        assert 400 <= refusal.status < 500
        assert all(e.code and e.title for e in refusal.errors)


@settings(max_examples=60, deadline=None)
@given(body=bodies)
def test_writes_never_crash(body: Any) -> None:
    store = Store()
    load_demo(store)
    apply(create_stripe_payment, store, body)
    apply(update_order, store, DEMO.happy.id, body)
    apply(update_stripe_payment, store, "spNoOff004", body)
