"""The save modal: the "Save card to wallet" shortcut, the order step, and the card step."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

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
from commands.plumbing.refusal import refused
from commands.save.outcome import load_preview, run_save
from commands.save.views import (
    CARD_ACTION,
    CARD_BLOCK,
    ORDER_ACTION,
    ORDER_BLOCK,
    FormMeta,
    failure_view,
    order_form,
    result_blocks,
    result_text,
    result_view,
    save_form,
    status_view,
)

log = structlog.get_logger("save")
SHORTCUT = "wallet_save"


async def shortcut(request: Incoming, services: Services) -> Answer:
    async def open_form() -> None:
        if request.trigger_id:
            await request.client.views_open(trigger_id=request.trigger_id, view=order_form())

    return answer().then(open_form)


async def order_submitted(request: Incoming, services: Services) -> Answer:
    try:
        order = parse_order_ref(request.input_value(ORDER_BLOCK, ORDER_ACTION))
    except InputError as error:
        return answer(response_action="errors", errors={ORDER_BLOCK: str(error)})
    meta = FormMeta.loads(request.view.get("private_metadata"))
    looking = status_view(f":hourglass_flowing_sand: Looking up order {escape(order)}…", meta)
    return answer(response_action="update", view=looking).then(lambda: _show_order(request, services, order, meta))


async def _show_order(request: Incoming, services: Services, order: OrderRef, meta: FormMeta) -> None:
    if await refused(request, services, in_modal(request.client, request.view_id, meta), channel_id=meta.channel):
        return
    preview = await load_preview(services, order)
    if isinstance(preview, WalletError):
        await update_modal(request.client, request.view_id, order_form(problem=preview.message, meta=meta))
        return
    await update_modal(request.client, request.view_id, save_form(preview, meta))


async def card_submitted(request: Incoming, services: Services) -> Answer:
    try:
        pm_id = parse_payment_method_id(request.input_value(CARD_BLOCK, CARD_ACTION))
    except InputError as error:
        return answer(response_action="errors", errors={CARD_BLOCK: str(error)})
    meta = FormMeta.loads(request.view.get("private_metadata"))
    if not meta.order:
        return answer(
            response_action="update", view=order_form(problem="This form lost its order: enter it again.", meta=meta)
        )
    # The metadata holds the Commerce Layer id the order step found.
    order = OrderRef(meta.order, is_number=False)
    saving = status_view(f":hourglass_flowing_sand: Saving card {mask_payment_method(pm_id)}…", meta)
    return answer(response_action="update", view=saving).then(lambda: _save(request, services, order, pm_id, meta))


async def _save(request: Incoming, services: Services, order: OrderRef, pm_id: PaymentMethodId, meta: FormMeta) -> None:
    if await refused(request, services, in_modal(request.client, request.view_id, meta), channel_id=meta.channel):
        return
    outcome = await run_save(services, order, pm_id, Actor(request.team_id, request.user_id))
    # The outcome also goes, ephemerally, to the conversation where the command was typed.
    post = services.responses.to(meta.response_url)
    if isinstance(outcome, WalletError):
        shown, text, blocks = failure_view(outcome, meta), outcome.message, failure_blocks(outcome)
    else:
        shown, text, blocks = result_view(outcome, meta), result_text(outcome), result_blocks(outcome)
    # Two places tell the same result; neither needs to wait for the other.
    await asyncio.gather(
        update_modal(request.client, request.view_id, shown),
        post(text=text, blocks=blocks, response_type="ephemeral"),
    )


def in_modal(client: AsyncWebClient, view_id: str | None, meta: FormMeta) -> Callable[[str], Awaitable[None]]:
    """Tells a short text (a refusal, a failure) in the open modal, in place of its step."""

    async def tell(text: str) -> None:
        await update_modal(client, view_id, status_view(text, meta))

    return tell


async def update_modal(client: AsyncWebClient, view_id: str | None, new_view: View) -> None:
    """Show `new_view` in the open modal `view_id`, if the user has not closed it meanwhile."""
    if not view_id:
        return
    try:
        await client.views_update(view_id=view_id, view=new_view)
    except SlackApiError as error:  # closed by the user meanwhile: the channel message still tells
        log.info("save.modal_not_updated", error=error.response.get("error"))
