"""`/wallet remove <order | customer email> <card> [reason]`: a preview, then a destructive Confirm."""

from __future__ import annotations

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.sealed import PendingRemove
from bot.slack.services import Services
from bot.wallet import CardRef, CustomerRef, InputError, parse_card_ref, parse_customer_ref, parse_reason
from commands.help import usage
from commands.plumbing.outcome import read_for, settled
from commands.remove.views import confirm_blocks


async def remove_command(request: Incoming, services: Services) -> Answer:
    args = request.args
    if len(args) < 2:
        return usage("/wallet remove needs whose wallet and which card: /wallet remove erin@example.com 4242")
    try:
        owner = parse_customer_ref(args[0])
        card = parse_card_ref(args[1])
        reason = parse_reason(args[2:], required=services.require_reason)
    except InputError as error:
        return usage(str(error))
    return answer().then(lambda: _show_confirmation(request, services, owner, card, reason))


async def _show_confirmation(
    request: Incoming, services: Services, owner: CustomerRef, card: CardRef, reason: str | None
) -> None:
    preview = await read_for(
        request, services, lambda: settled(services.wallet.remove_preview(owner, card), "look the wallet up")
    )
    if preview is None:
        return
    sealed, text = "", f"Nothing to remove from the wallet of {preview.customer_email or preview.customer_id}."
    if preview.card is not None and preview.blocker is None:
        email = preview.customer_email or ""
        pending = PendingRemove(
            preview.customer_id, email, preview.card.id, request.user_id, request.team_id, reason or ""
        )
        sealed, text = services.sealer.seal(pending), f"Remove {preview.card.card.label} from the wallet?"
    await request.say(text, confirm_blocks(preview, sealed))
