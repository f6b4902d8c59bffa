"""The save modal: the "Save card to wallet" global shortcut, the order step, and the card step."""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import (
    Actor,
    InputError,
    OrderRef,
    PaymentMethodId,
    WalletError,
    mask_payment_method,
    parse_order_ref,
    parse_payment_method_id,
)
from commands.plumbing.blocks import escape, failure_blocks
from commands.plumbing.modal import FormMeta, Inputs, in_modal, show_outcome, update_modal
from commands.plumbing.refusal import Tell, refused
from commands.save.found import open_found, picked_card
from commands.save.outcome import load_preview, run_save
from commands.save.views import (
    CARD_ACTION,
    CARD_BLOCK,
    CARD_PICK,
    ORDER_ACTION,
    ORDER_BLOCK,
    ORDER_PICK,
    failure_view,
    order_form,
    result_blocks,
    result_text,
    result_view,
    save_form,
    status_view,
)

SHORTCUT = "wallet_save"


async def shortcut(request: Incoming, services: Services) -> Answer:
    async def open_form() -> None:
        if request.trigger_id:
            await request.client.views_open(trigger_id=request.trigger_id, view=order_form())

    return answer().then(open_form)


async def order_submitted(request: Incoming, services: Services) -> Answer:
    # Typed, or picked among the orders a message mentions: the same parser reads both.
    typed = request.input_value(ORDER_BLOCK, ORDER_ACTION) or request.selected_value(ORDER_BLOCK, ORDER_PICK)
    try:
        order = parse_order_ref(typed)
    except InputError as error:
        return answer(response_action="errors", errors={ORDER_BLOCK: str(error)})
    meta = FormMeta.loads(request.view.get("private_metadata"))
    looking = status_view(f":hourglass_flowing_sand: Looking up order {escape(order)}…", meta)
    return answer(response_action="update", view=looking).then(
        lambda: show_order(request, services, order, meta, request.view_id)
    )


async def show_order(
    request: Incoming,
    services: Services,
    order: OrderRef,
    meta: FormMeta,
    view_id: str | None,
    notes: Sequence[str] = (),
) -> None:
    """Access granted, the open modal `view_id` shows the order and asks for the card, filled in with
    the ids a message shortcut found; an unknown order asks for the order again."""
    tell = in_modal(request.client, view_id, lambda text: status_view(text, meta))
    if await refused(request, services, tell, channel_id=meta.channel):
        return
    preview = await load_preview(services, order)
    if isinstance(preview, WalletError):
        await update_modal(request.client, view_id, order_form(problem=preview.message, meta=meta, notes=notes))
        return
    cards = open_found(services.sealer, meta)
    if meta.found and not cards:
        notes = [*notes, "The pm_ ids found in the message are kept 15 minutes: paste the one to save."]
    form = save_form(preview, meta, require_reason=services.require_reason, cards=cards, notes=notes)
    await update_modal(request.client, view_id, form)


async def card_submitted(request: Incoming, services: Services) -> Answer:
    meta = FormMeta.loads(request.view.get("private_metadata"))
    inputs = Inputs(request, services)
    pm_id = inputs.read(CARD_BLOCK, lambda: _card(request, services, meta))
    reason = inputs.reason()
    if inputs.errors or pm_id is None:
        return answer(response_action="errors", errors=inputs.errors)
    if not meta.order:
        return answer(
            response_action="update", view=order_form(problem="This form lost its order: enter it again.", meta=meta)
        )
    # The metadata holds the Commerce Layer id the order step found.
    order = OrderRef(meta.order, is_number=False)
    saving = status_view(f":hourglass_flowing_sand: Saving card {mask_payment_method(pm_id)}…", meta)
    actor = Actor(request.team_id, request.user_id, reason)
    return answer(response_action="update", view=saving).then(
        lambda: _save(request, services, order, pm_id, actor, meta)
    )


async def _save(
    request: Incoming, services: Services, order: OrderRef, pm_id: PaymentMethodId, actor: Actor, meta: FormMeta
) -> None:
    if await refused(request, services, _told(request, meta), channel_id=meta.channel):
        return
    outcome = await run_save(services, order, pm_id, actor)
    if isinstance(outcome, WalletError):
        shown, text, blocks = failure_view(outcome, meta), outcome.message, failure_blocks(outcome)
    else:
        shown, text, blocks = result_view(outcome, meta), result_text(outcome), result_blocks(outcome)
    await show_outcome(request, services, meta, shown, text, blocks)


def _card(request: Incoming, services: Services, meta: FormMeta) -> PaymentMethodId:
    """The card typed, or picked among the ids a message mentions (the picker's value is a place)."""
    picked = request.selected_value(CARD_BLOCK, CARD_PICK)
    if picked:
        return picked_card(services.sealer, meta, picked)
    return parse_payment_method_id(request.input_value(CARD_BLOCK, CARD_ACTION))


def _told(request: Incoming, meta: FormMeta) -> Tell:
    """Tells a refusal in the open save modal."""
    return in_modal(request.client, request.view_id, lambda text: status_view(text, meta))
