"""`/wallet use <order>` (the modal) and `/wallet use <order> <card> [reason]` (preview, then Confirm)."""

from __future__ import annotations

from bot.slack.listeners import Incoming
from bot.slack.sealed import PendingUse
from bot.slack.services import Services
from bot.wallet import CardRef, OrderRef, parse_card_ref
from commands.plumbing.blocks import escape
from commands.plumbing.modal import open_form
from commands.plumbing.order_command import order_command
from commands.plumbing.outcome import read_for
from commands.use.outcome import load_use_preview
from commands.use.views import confirm_blocks, confirm_text, status_view, use_form


async def _open_form(request: Incoming, services: Services, order: OrderRef) -> None:
    await open_form(
        request,
        services,
        f"order {escape(order)}",
        status_view,
        lambda: load_use_preview(services, order, None),
        lambda preview, meta: use_form(preview, meta, require_reason=services.require_reason),
    )


async def _show_confirmation(
    request: Incoming, services: Services, order: OrderRef, card: CardRef, reason: str | None
) -> None:
    preview = await read_for(request, services, lambda: load_use_preview(services, order, card))
    if preview is None:
        return
    sealed = ""
    if preview.card is not None and preview.blocker is None and not preview.already:
        pending = PendingUse(preview.order.id, preview.card.id, request.user_id, request.team_id, reason or "")
        sealed = services.sealer.seal(pending)
    await request.say(confirm_text(preview), confirm_blocks(preview, sealed))


use_command = order_command(
    "/wallet use needs an order: /wallet use 1009, or /wallet use 1009 4444",
    parse_card_ref,
    _open_form,
    _show_confirmation,
)
