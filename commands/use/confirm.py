"""The Confirm button of `/wallet use <order> <card>`."""

from __future__ import annotations

from bot.slack.sealed import PendingUse
from bot.slack.services import Services
from bot.wallet import Actor, CardRef, OrderRef, UseResult, WalletError
from commands.plumbing.confirm import Wording, confirm_listener
from commands.use.outcome import run_use
from commands.use.views import result_blocks, result_text


async def _use(services: Services, pending: PendingUse, actor: Actor) -> UseResult | WalletError:
    # The sealed value was written by this app from the ids the preview found.
    order, card = OrderRef(pending.order, is_number=False), CardRef(pending.card, by_last4=False)
    return await run_use(services, order, card, actor)


confirm_button = confirm_listener(
    PendingUse,
    Wording("/wallet use", "use of a saved card", "the order as it is now"),
    ":hourglass_flowing_sand: Setting the saved card on the order…",
    _use,
    result_text,
    result_blocks,
)
