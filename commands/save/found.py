"""The `pm_…` ids a message shortcut found, kept sealed in the save modal's metadata between its
steps: Slack's copy of the view never holds them in clear, and a picker's value is only a place."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack.sealed import KIND, Expired, Sealer, SealError
from bot.wallet import InputError, PaymentMethodId, parse_payment_method_id
from commands.plumbing.modal import FormMeta

FOUND = "found"
# Sealing grows text by about a third: this keeps the metadata within Slack's 3,000 characters.
SEALED_IDS_BUDGET = 1500
LOST = "This form lost the ids found in the message: run the shortcut again."


def seal_found(sealer: Sealer, cards: Sequence[PaymentMethodId]) -> str | None:
    """The ids, sealed, as many as fit the metadata; None when there are none."""
    kept: dict[str, str] = {}
    used = 0
    for number, pm_id in enumerate(cards, start=1):
        used += len(pm_id) + 12  # the id, its key and JSON's quotes
        if used > SEALED_IDS_BUDGET:
            break
        kept[str(number)] = pm_id
    return sealer.seal_dict({KIND: FOUND, **kept}) if kept else None


def open_found(sealer: Sealer, meta: FormMeta) -> tuple[PaymentMethodId, ...]:
    """The ids the form carries, in their order; none when it carries none or they have expired."""
    try:
        found = _opened(sealer, meta)
    except InputError:
        return ()
    places = (str(number) for number in range(1, len(found) + 1))
    return tuple(parse_payment_method_id(found[place]) for place in places if place in found)


def picked_card(sealer: Sealer, meta: FormMeta, picked: str) -> PaymentMethodId:
    """The id at place `picked` of the form's sealed ids, parsed again as typed input is."""
    pm_id = _opened(sealer, meta).get(picked)
    if pm_id is None:
        raise InputError("Pick one of the ids found in the message.")
    return parse_payment_method_id(pm_id)


def _opened(sealer: Sealer, meta: FormMeta) -> dict[str, str]:
    try:
        found = sealer.open_dict(meta.found)
    except Expired:
        raise InputError("The ids found in the message are kept 15 minutes: run the shortcut again.") from None
    except SealError:
        raise InputError(LOST) from None
    if found.pop(KIND, None) != FOUND:
        raise InputError(LOST)
    return found
