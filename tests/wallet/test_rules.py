"""The refusals: each names the problem, says what to do, and nothing is sent that changes anything."""

from __future__ import annotations

import pytest

from bot.sandbox import DEMO, Sandbox
from bot.wallet import Refused, Wallet
from tests.conftest import ACTOR
from tests.wallet.helpers import PM, card, order


@pytest.mark.parametrize(
    ("number", "named"),
    [
        ("1002", "guest order"),
        ("1003", "not Stripe"),
        ("1004", "without setup_future_usage: off_session"),
        ("1005", "cancelled"),
        ("9999", "not found"),
    ],
)
async def test_refusals_name_the_problem_and_change_nothing(
    wallet: Wallet, sandbox: Sandbox, number: str, named: str
) -> None:
    with pytest.raises(Refused, match=named) as caught:
        await wallet.save(order(number), PM, ACTOR)
    assert caught.value.unchanged == ("Nothing was changed in Commerce Layer.",)
    assert caught.value.next_step
    assert sandbox.count("POST", "^/api/") == 0
    assert sandbox.count("PATCH") == 0


@pytest.mark.parametrize("number", ["1002", "1003", "1004", "1005"])
async def test_a_preview_shows_the_refusal_the_save_would_meet(wallet: Wallet, number: str) -> None:
    preview = await wallet.preview(order(number))
    assert preview.blocker is not None
    with pytest.raises(Refused) as caught:
        await wallet.save(order(number), PM, ACTOR)
    assert caught.value.message == preview.blocker.message


async def test_a_different_card_on_an_order_with_a_stripe_source_is_refused(wallet: Wallet, sandbox: Sandbox) -> None:
    await wallet.save(order("1001"), PM, ACTOR)
    with pytest.raises(Refused, match=r"another card \(pm_…T9Js\)"):
        await wallet.save(order("1001"), card("pm_card_mastercard"), ACTOR)
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1
