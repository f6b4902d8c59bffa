"""`/wallet save <order>` (the modal) and `/wallet save <order> <pm_…>` (preview, then Confirm)."""

from __future__ import annotations

import structlog
from slack_sdk.errors import SlackApiError

from bot.inputs import InputError, mask_payment_method, parse_order_ref, parse_payment_method_id
from bot.wallet import WalletError
from commands.blocks import escape, failure_blocks, failure_text
from commands.guard import refusal
from commands.listener import acknowledge
from commands.save.modal import update_modal
from commands.save.outcome import load_preview
from commands.save.views import FormMeta, confirm_blocks, save_form, status_view
from commands.sealed import PendingSave
from commands.services import Services
from commands.slash import SlashRequest
from commands.usage import reply_usage

log = structlog.get_logger("save")


async def run(request: SlashRequest, services: Services) -> None:
    args = request.args
    if not args:
        await reply_usage(request.ack, "/wallet save needs an order: /wallet save 1001")
        return
    if len(args) > 2:
        await reply_usage(request.ack, "/wallet save takes an order and, optionally, one pm_… id.")
        return
    try:
        order = str(parse_order_ref(args[0]))
        pm_id = parse_payment_method_id(args[1]) if len(args) == 2 else None
    except InputError as error:
        await reply_usage(request.ack, str(error))
        return
    if pm_id is None:
        await _open_form(request, services, order)
    else:
        await _show_confirmation(request, services, order, pm_id)


async def _open_form(request: SlashRequest, services: Services, order: str) -> None:
    await acknowledge(services, request.ack)
    meta = FormMeta(channel=request.channel_id, response_url=request.response_url)
    # The trigger_id expires 3 s after the user's command: open the modal before any slow work.
    try:
        opened = await request.client.views_open(
            trigger_id=request.trigger_id or "",
            view=status_view(f":hourglass_flowing_sand: Looking up order {escape(order)}…", meta),
        )
    except SlackApiError as error:
        log.warning("save.modal_not_opened", error=error.response.get("error"))
        await request.respond(text="Slack could not open the save form in time. Please run the command again.")
        return
    view_id = str(opened["view"]["id"])
    refused = await refusal(services, request.user_id, request.channel_id)
    if refused:
        await update_modal(request.client, view_id, status_view(refused, meta))
        return
    preview = await load_preview(services, order)
    if isinstance(preview, WalletError):
        await update_modal(request.client, view_id, status_view(failure_text(preview), meta))
        return
    await update_modal(request.client, view_id, save_form(preview, meta))


async def _show_confirmation(request: SlashRequest, services: Services, order: str, pm_id: str) -> None:
    await acknowledge(services, request.ack)
    refused = await refusal(services, request.user_id, request.channel_id)
    if refused:
        await request.respond(text=refused, response_type="ephemeral")
        return
    preview = await load_preview(services, order)
    if isinstance(preview, WalletError):
        await request.respond(text=preview.message, blocks=failure_blocks(preview), response_type="ephemeral")
        return
    card = mask_payment_method(pm_id)
    sealed = services.sealer.seal(PendingSave(preview.order.id, pm_id, request.user_id, request.team_id))
    blocks = confirm_blocks(preview, card, sealed)
    await request.respond(
        text=f"Save card {card} through order #{preview.order.number}?",
        blocks=blocks,
        response_type="ephemeral",
    )
