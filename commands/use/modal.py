"""The use modal's submission, and the choices of its card picker when the wallet is too large for a static one."""

from __future__ import annotations

import asyncio

import structlog

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import Actor, CardRef, OrderRef, WalletError, parse_card_ref
from commands.plumbing.blocks import failure_blocks
from commands.plumbing.modal import FormMeta, Inputs, in_modal, show_outcome
from commands.plumbing.refusal import refused
from commands.use.outcome import run_use
from commands.use.views import (
    CARD_ACTION,
    CARD_BLOCK,
    blocks_view,
    card_option,
    result_blocks,
    result_text,
    status_view,
)

log = structlog.get_logger("use")
# Slack waits only moments for an external select's choices: Commerce Layer gets less, then the list is empty.
CHOICES_DEADLINE = 2.0


async def use_submitted(request: Incoming, services: Services) -> Answer:
    inputs = Inputs(request, services)
    card = inputs.read(CARD_BLOCK, lambda: parse_card_ref(request.selected_value(CARD_BLOCK, CARD_ACTION)))
    reason = inputs.reason()
    if inputs.errors or card is None:
        errors = inputs.errors | ({CARD_BLOCK: "Pick one of the customer's saved cards."} if card is None else {})
        return answer(response_action="errors", errors=errors)
    meta = FormMeta.loads(request.view.get("private_metadata"))
    if not meta.order:
        return answer(
            response_action="update", view=status_view("This form lost its order: run /wallet use again.", meta)
        )
    # The metadata holds the Commerce Layer id the modal's preview found.
    order = OrderRef(meta.order, is_number=False)
    actor = Actor(request.team_id, request.user_id, reason)
    using = status_view(":hourglass_flowing_sand: Setting the saved card on the order…", meta)
    return answer(response_action="update", view=using).then(lambda: _use(request, services, order, card, actor, meta))


async def _use(
    request: Incoming, services: Services, order: OrderRef, card: CardRef, actor: Actor, meta: FormMeta
) -> None:
    tell = in_modal(request.client, request.view_id, lambda text: status_view(text, meta))
    if await refused(request, services, tell, channel_id=meta.channel):
        return
    outcome = await run_use(services, order, card, actor)
    if isinstance(outcome, WalletError):
        blocks, text = failure_blocks(outcome), outcome.message
    else:
        blocks, text = result_blocks(outcome), result_text(outcome)
    await show_outcome(request, services, meta, blocks_view(blocks, meta), text, blocks)


async def card_options(request: Incoming, services: Services) -> Answer:
    """The saved cards matching what was typed, as the picker's options (listeners.py: the one
    kind of listener that reads before it answers)."""
    meta = FormMeta.loads(request.view.get("private_metadata"))
    if not meta.customer:
        return answer(options=[])
    try:
        async with asyncio.timeout(CHOICES_DEADLINE):
            if not (await services.access.check(request.user_id, meta.channel)).allowed:
                return answer(options=[])
            entries = await services.wallet.card_choices(meta.customer, request.typed)
    except (TimeoutError, WalletError) as error:
        log.warning("use.choices_failed", error=type(error).__name__)
        return answer(options=[])
    return answer(options=[card_option(entry).to_dict() for entry in entries if entry.is_stripe])
