"""The Confirm and Cancel buttons of `/wallet save <order> <pm_…>`."""

from __future__ import annotations

import asyncio

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.sealed import Expired, SealError
from bot.slack.services import Services
from bot.wallet import Actor, OrderRef, PaymentMethodId, WalletError
from commands.plumbing.blocks import failure_blocks
from commands.plumbing.refusal import refused
from commands.save.outcome import run_save
from commands.save.views import result_blocks, result_text

EXPIRED = (
    "This confirmation expired: it is more than 15 minutes old. Nothing was changed. "
    "Run /wallet save again to see the order as it is now."
)
UNUSABLE = "This button can't be used: nothing was changed. Run /wallet save again."
NOT_YOURS = "Only the person who asked for this save can confirm it. Nothing was changed."


async def confirm_button(request: Incoming, services: Services) -> Answer:
    return answer().then(lambda: _confirm(request, services))


async def _confirm(request: Incoming, services: Services) -> None:
    respond = request.respond
    try:
        pending = services.sealer.open(request.action_value)
    except Expired:
        await respond(text=EXPIRED, replace_original=True)
        return
    except SealError:
        await respond(text=UNUSABLE, replace_original=True)
        return
    if pending.user_id != request.user_id:
        await respond(text=NOT_YOURS, replace_original=False)
        return

    async def tell(text: str) -> None:
        await respond(text=text, replace_original=True)

    if await refused(request, services, tell):
        return
    # The save need not wait for Slack to take the progress message; the result goes after it.
    saving = asyncio.create_task(respond(text=":hourglass_flowing_sand: Saving the card…", replace_original=True))
    # The sealed value was written by this app from a parsed order id and pm_… id.
    order, pm_id = OrderRef(pending.order, is_number=False), PaymentMethodId(pending.pm_id)
    outcome = await run_save(services, order, pm_id, Actor(request.team_id, request.user_id))
    await saving
    if isinstance(outcome, WalletError):
        await respond(text=outcome.message, blocks=failure_blocks(outcome), replace_original=True)
    else:
        await respond(text=result_text(outcome), blocks=result_blocks(outcome), replace_original=True)


async def cancel_button(request: Incoming, services: Services) -> Answer:
    return answer().then(lambda: request.respond(text="Cancelled: nothing was changed.", replace_original=True))
