"""The Confirm button of `/wallet save <order> <pm_…>` (Cancel is every preview's: commands/plumbing/confirm.py)."""

from __future__ import annotations

from bot.slack.sealed import PendingSave
from bot.slack.services import Services
from bot.wallet import Actor, OrderRef, PaymentMethodId, SaveResult, WalletError
from commands.plumbing.confirm import Wording, confirm_listener
from commands.save.outcome import run_save
from commands.save.views import result_blocks, result_text


async def _save(services: Services, pending: PendingSave, actor: Actor) -> SaveResult | WalletError:
    # The sealed value was written by this app from a parsed order id and pm_… id.
    order, pm_id = OrderRef(pending.order, is_number=False), PaymentMethodId(pending.pm_id)
    return await run_save(services, order, pm_id, actor)


confirm_button = confirm_listener(
    PendingSave,
    Wording("/wallet save", "save", "the order as it is now"),
    ":hourglass_flowing_sand: Saving the card…",
    _save,
    result_text,
    result_blocks,
)
