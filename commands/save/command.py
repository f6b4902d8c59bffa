"""`/wallet save <order>` (the modal) and `/wallet save <order> <pm_…> [reason]` (preview, then Confirm)."""

from __future__ import annotations

from bot.slack.listeners import Incoming
from bot.slack.sealed import PendingSave
from bot.slack.services import Services
from bot.wallet import (
    OrderRef,
    PaymentMethodId,
    mask_payment_method,
    parse_payment_method_id,
)
from commands.plumbing.blocks import escape
from commands.plumbing.modal import open_form
from commands.plumbing.order_command import order_command
from commands.plumbing.outcome import read_for
from commands.save.outcome import load_preview
from commands.save.views import confirm_blocks, save_form, status_view


async def _open_form(request: Incoming, services: Services, order: OrderRef) -> None:
    await open_form(
        request,
        services,
        f"order {escape(order)}",
        status_view,
        lambda: load_preview(services, order),
        lambda preview, meta: save_form(preview, meta, require_reason=services.require_reason),
    )


async def _show_confirmation(
    request: Incoming, services: Services, order: OrderRef, pm_id: PaymentMethodId, reason: str | None
) -> None:
    preview = await read_for(request, services, lambda: load_preview(services, order, pm_id))
    if preview is None:
        return
    card = mask_payment_method(pm_id)
    pending = PendingSave(preview.order.id, pm_id, request.user_id, request.team_id, reason or "")
    sealed = services.sealer.seal(pending)
    await request.say(f"Save card {card} through order #{preview.order.number}?", confirm_blocks(preview, card, sealed))


save_command = order_command(
    "/wallet save needs an order: /wallet save 1001", parse_payment_method_id, _open_form, _show_confirmation
)
