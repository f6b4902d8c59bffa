"""Previews and saved-card listings against the sandbox over loopback HTTP."""

from __future__ import annotations

import pytest

from bot.sandbox import DEMO, FaultKind, Sandbox
from bot.wallet import Refused, SaveFailed, Wallet, parse_customer_ref
from tests.wallet.helpers import order


async def test_previews_say_what_a_save_would_do(wallet: Wallet) -> None:
    happy = await wallet.preview(order("1001"))
    assert (happy.order.number, happy.order.status, happy.mode) == ("1001", "placed", "test")
    assert happy.order.customer is not None and happy.order.customer.email == "alice@example.com"
    assert happy.order.total == "€57,00"
    assert happy.blocker is None and happy.wallet == ()
    guest = await wallet.preview(order("1002"))
    assert isinstance(guest.blocker, Refused)
    bob = await wallet.preview(order("1007"))
    assert [entry.card.label for entry in bob.wallet] == ["Mastercard •••• 4444 · exp 08/2028"]


async def test_a_preview_reads_the_whole_order_in_one_request(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.preview(order("1001"))
    assert [(r.method, r.path) for r in sandbox.requests if r.path.startswith("/api/")] == [("GET", "/api/orders")]


async def test_sources_by_email_follow_every_page(wallet: Wallet, sandbox: Sandbox) -> None:
    result = await wallet.sources(parse_customer_ref("carol@example.com"))
    assert len(result.wallet) == DEMO.carol_card_count
    pages = [r.query.get("page[number]") for r in sandbox.requests if r.path.endswith("/customer_payment_sources")]
    assert pages == ["1", "2"]


async def test_sources_by_order_name_the_customer(wallet: Wallet) -> None:
    result = await wallet.sources(parse_customer_ref("#1007"))
    assert result.customer_email == "bob@example.com"
    assert [entry.card.masked for entry in result.wallet] == ["pm_…4444"]


@pytest.mark.parametrize(
    ("ref", "named"),
    [("nobody@example.com", "No customer"), ("1002", "guest order"), ("ZZZZZZZZ", "No order or customer")],
)
async def test_sources_refusals(wallet: Wallet, ref: str, named: str) -> None:
    with pytest.raises(Refused, match=named):
        await wallet.sources(parse_customer_ref(ref))


async def test_sources_of_a_customer_by_id(wallet: Wallet) -> None:
    result = await wallet.sources(parse_customer_ref(DEMO.bob.id))
    assert result.customer_email == "bob@example.com"


async def test_an_id_is_looked_up_as_a_customer_only_when_no_order_has_it(wallet: Wallet, sandbox: Sandbox) -> None:
    # Commerce Layer failing to read the order is told as it is, not as "no such order".
    sandbox.inject_fault("GET", r"^/api/orders/", FaultKind.STATUS, status=500, times=None)
    with pytest.raises(SaveFailed, match="read order"):
        await wallet.sources(parse_customer_ref(DEMO.bob.id))
    assert sandbox.count("GET", "^/api/customers") == 0
