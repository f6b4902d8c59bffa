"""`/wallet save <order>` (the modal) and `/wallet save <order> <pm_…>` (preview, then Confirm)."""

from __future__ import annotations

import structlog
from slack_sdk.errors import SlackApiError

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.sealed import PendingSave
from bot.slack.services import Services
from bot.wallet import (
    InputError,
    OrderRef,
    PaymentMethodId,
    WalletError,
    mask_payment_method,
    parse_order_ref,
    parse_payment_method_id,
)
from commands.help import usage
from commands.plumbing.blocks import escape, failure_blocks, failure_text
from commands.plumbing.refusal import refused
from commands.save.modal import in_modal, update_modal
from commands.save.outcome import load_preview
from commands.save.views import FormMeta, confirm_blocks, save_form, status_view

log = structlog.get_logger("save")


async def save_command(request: Incoming, services: Services) -> Answer:
    args = request.args
    if not args:
        return usage("/wallet save needs an order: /wallet save 1001")
    if len(args) > 2:
        return usage("/wallet save takes an order and, optionally, one pm_… id.")
    try:
        order = parse_order_ref(args[0])
        pm_id = parse_payment_method_id(args[1]) if len(args) == 2 else None
    except InputError as error:
        return usage(str(error))
    if pm_id is None:
        return answer().then(lambda: _open_form(request, services, order))
    return answer().then(lambda: _show_confirmation(request, services, order, pm_id))


async def _open_form(request: Incoming, services: Services, order: OrderRef) -> None:
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
    tell = in_modal(request.client, view_id, meta)
    if await refused(request, services, tell):
        return
    preview = await load_preview(services, order)
    if isinstance(preview, WalletError):
        await tell(failure_text(preview))
        return
    await update_modal(request.client, view_id, save_form(preview, meta))


async def _show_confirmation(request: Incoming, services: Services, order: OrderRef, pm_id: PaymentMethodId) -> None:
    if await refused(request, services, request.say):
        return
    preview = await load_preview(services, order)
    if isinstance(preview, WalletError):
        await request.say(preview.message, failure_blocks(preview))
        return
    card = mask_payment_method(pm_id)
    sealed = services.sealer.seal(PendingSave(preview.order.id, pm_id, request.user_id, request.team_id))
    await request.say(f"Save card {card} through order #{preview.order.number}?", confirm_blocks(preview, card, sealed))
