"""What every Confirm button does before its change: open the sealed value, check who presses and
their access, and let each button run its change once, on any process (a double click is two presses)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject

from bot.slack.listeners import Answer, Incoming, Listener, answer
from bot.slack.sealed import BUTTON_LIFETIME, Expired, Pending, SealError
from bot.slack.services import Services
from bot.state import StateUnavailable
from bot.wallet import Actor, WalletError
from commands.plumbing.blocks import context, failure_blocks
from commands.plumbing.refusal import refused

P = TypeVar("P", bound=Pending)
R = TypeVar("R")
CANCEL_ACTION = "wallet_cancel"  # every preview's Cancel
CANCELLED = "Cancelled: nothing was changed."


@dataclass(frozen=True)
class Wording:
    """How a Confirm's refusals name its command and what it changes."""

    command: str  # "/wallet use"
    change: str  # "use of a saved card"
    shows: str  # what running the command again shows: "the order as it is now"


async def pressed_once(request: Incoming, services: Services, kind: type[P], wording: Wording) -> P | None:
    """The change a pressed Confirm carries, the first time it is pressed by the person who asked for
    it; otherwise None, after telling the presser why."""
    respond = request.respond
    try:
        pending = services.sealer.open(request.action_value, kind)
    except Expired:
        text = (
            "This confirmation expired: it is more than 15 minutes old. Nothing was changed. "
            f"Run {wording.command} again to see {wording.shows}."
        )
        await respond(text=text, replace_original=True)
        return None
    except SealError:
        await respond(
            text=f"This button can't be used: nothing was changed. Run {wording.command} again.", replace_original=True
        )
        return None
    if pending.user_id != request.user_id:
        text = f"Only the person who asked for this {wording.change} can confirm it. Nothing was changed."
        await respond(text=text, replace_original=False)
        return None

    async def tell(text: str) -> None:
        await respond(text=text, replace_original=True)

    if await refused(request, services, tell):
        return None
    if (problem := await _not_first_press(services, request.action_value or "", wording)) is not None:
        await respond(text=problem, replace_original=False)  # the preview stays, to press again later
        return None
    return pending


async def _not_first_press(services: Services, value: str, wording: Wording) -> str | None:
    """None for the first press of this very button on any process; otherwise why it can't go on."""
    key = "confirm:" + hashlib.sha256(value.encode()).hexdigest()
    try:
        first = await services.state.use_once(key, ttl=BUTTON_LIFETIME)
    except StateUnavailable:
        return (
            f"Wallet bot's shared state (Redis) can't be reached, so it can't make sure this {wording.change} runs "
            "only once. Nothing was changed. Try again in a minute."
        )
    if first:
        return None
    return (
        f"This Confirm was already pressed: the {wording.change} runs once, and its result replaces the preview. "
        f"If no result shows within a minute, run {wording.command} again: it looks first, and changes nothing twice."
    )


async def cancel_button(request: Incoming, services: Services) -> Answer:
    """Every preview's Cancel: the preview is replaced, nothing is called."""
    return answer().then(lambda: request.respond(text=CANCELLED, replace_original=True))


def actor_of(request: Incoming, pending: Pending) -> Actor:
    """Who confirms the change, and the reason they gave when they asked for it."""
    return Actor(request.team_id, request.user_id, pending.reason or None)


async def working(request: Incoming, text: str, work: Awaitable[R]) -> R:
    """`work`, while the preview says it is under way; its result goes after that message.

    The work need not wait for Slack to take the progress message.
    """
    progress = asyncio.create_task(request.respond(text=text, replace_original=True))
    try:
        return await work
    finally:
        await progress


async def replace_preview(
    request: Incoming, outcome: R | WalletError, text: Callable[[R], str], blocks: Callable[[R], Sequence[Block]]
) -> None:
    """The preview replaced by the outcome of its change: the result, or the failure."""
    if isinstance(outcome, WalletError):
        await request.respond(text=outcome.message, blocks=failure_blocks(outcome), replace_original=True)
    else:
        await request.respond(text=text(outcome), blocks=blocks(outcome), replace_original=True)


def confirm_listener(
    kind: type[P],
    wording: Wording,
    progress: str,
    run: Callable[[Services, P, Actor], Awaitable[R | WalletError]],
    text: Callable[[R], str],
    blocks: Callable[[R], Sequence[Block]],
) -> Listener:
    """A preview's Confirm: the change it carries runs once, the preview saying it is under way, and
    is replaced by the result or the failure."""

    async def listener(request: Incoming, services: Services) -> Answer:
        async def confirm() -> None:
            pending = await pressed_once(request, services, kind, wording)
            if pending is None:
                return
            outcome = await working(request, progress, run(services, pending, actor_of(request, pending)))
            await replace_preview(request, outcome, text, blocks)

        return answer().then(confirm)

    return listener


def confirm_actions(
    block_id: str, action_id: str, sealed: str, dialog: ConfirmObject, *, label: str = "Confirm", style: str = "primary"
) -> list[Block]:
    """A preview's Confirm (with Slack's dialog) and Cancel buttons, and how long Confirm lasts."""
    buttons = [
        ButtonElement(text=label, action_id=action_id, value=sealed, style=style, confirm=dialog),
        ButtonElement(text="Cancel", action_id=CANCEL_ACTION, value="cancel"),
    ]
    return [ActionsBlock(block_id=block_id, elements=buttons), context("Confirm within 15 minutes.")]
