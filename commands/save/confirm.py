"""The Confirm and Cancel buttons of `/wallet save <order> <pm_…>`."""

from __future__ import annotations

import asyncio
import hashlib

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.sealed import BUTTON_LIFETIME, Expired, SealError
from bot.slack.services import Services
from bot.state import StateUnavailable
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
PRESSED_BEFORE = (
    "This Confirm was already pressed: the save runs once, and its result replaces the preview. "
    "If no result shows within a minute, run /wallet save again: it finishes a save that stopped half-way."
)
NO_SHARED_STATE = (
    "Wallet bot's shared state (Redis) can't be reached, so it can't make sure this save runs only once. "
    "Nothing was changed. Try again in a minute."
)


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
    if (problem := await _not_first_press(services, request.action_value or "")) is not None:
        await respond(text=problem, replace_original=False)  # the preview stays, to press again later
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


async def _not_first_press(services: Services, value: str) -> str | None:
    """None for the first press of this very button on any process (a double click is two presses);
    otherwise why it can't go on."""
    key = "confirm:" + hashlib.sha256(value.encode()).hexdigest()
    try:
        first = await services.state.use_once(key, ttl=BUTTON_LIFETIME)
    except StateUnavailable:
        return NO_SHARED_STATE
    return None if first else PRESSED_BEFORE


async def cancel_button(request: Incoming, services: Services) -> Answer:
    return answer().then(lambda: request.respond(text="Cancelled: nothing was changed.", replace_original=True))
