"""The pm_ ids a message shortcut found, sealed in the save modal's metadata: kept, bounded, refused
when stale or not sealed by this bot for this use."""

from __future__ import annotations

import time

import pytest

from bot.slack.sealed import KIND, PendingSave, Sealer
from bot.wallet import InputError, PaymentMethodId
from commands.plumbing.modal import FormMeta
from commands.save.found import FOUND, open_found, picked_card, seal_found

SEALER = Sealer("found-tests-secret")
CARDS = (PaymentMethodId("pm_1IixtoEw0yMev2I0jGzoT9Js"), PaymentMethodId("pm_card_visa"))
RESPONSE_URL = "https://hooks.slack.com/actions/T0123ABCD/1234567890123/" + "x" * 60


def meta(found: str | None) -> FormMeta:
    return FormMeta(channel="C0OPS", response_url=RESPONSE_URL, order="ordPlaced1", found=found)


def test_the_ids_come_back_in_their_order_and_by_place() -> None:
    form = meta(seal_found(SEALER, CARDS))
    assert open_found(SEALER, form) == CARDS
    assert picked_card(SEALER, form, "2") == "pm_card_visa"
    assert all(card not in form.dumps() for card in CARDS)
    assert seal_found(SEALER, ()) is None and open_found(SEALER, meta(None)) == ()


def test_as_many_ids_are_kept_as_fit_slacks_metadata() -> None:
    longest = [PaymentMethodId(f"pm_{n}" + "x" * 250) for n in range(10)]
    form = meta(seal_found(SEALER, longest))
    kept = open_found(SEALER, form)
    assert 0 < len(kept) < len(longest) and kept == tuple(longest[: len(kept)])
    assert len(form.dumps()) <= 3000


@pytest.mark.parametrize(
    ("found", "said"),
    [
        (SEALER.seal_dict({KIND: FOUND, "1": CARDS[0]}, at=time.time() - 16 * 60), "kept 15 minutes"),
        (Sealer("another-secret").seal_dict({KIND: FOUND, "1": CARDS[0]}), "lost the ids"),
        (SEALER.seal(PendingSave("ordPlaced1", CARDS[0], "U0ALLOWED", "T0CONSOLE")), "lost the ids"),
    ],
)
def test_stale_forged_or_other_sealed_values_are_refused(found: str, said: str) -> None:
    with pytest.raises(InputError, match=said):
        picked_card(SEALER, meta(found), "1")
    assert open_found(SEALER, meta(found)) == ()
