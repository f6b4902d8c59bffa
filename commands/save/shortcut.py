"""The "Save card to wallet" message shortcut: the save modal, filled in with what the message mentions.

The message's text is searched in the listener (bounded, no I/O); the work opens the modal first,
since the trigger_id lives 3 s, then checks access, then looks the order up. One order: its preview
at once; none: the order is asked for; several: picked among. The `pm_…` ids found ride along,
sealed, to the card step (commands/save/found.py). From there on it is the save modal, with its
submissions, rules and results.
"""

from __future__ import annotations

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet.mentions import MAX_SCANNED_CHARS, Mentions, find_mentions
from commands.plumbing.blocks import escape
from commands.plumbing.modal import FormMeta, in_modal, open_modal, update_modal
from commands.plumbing.refusal import refused
from commands.save.found import seal_found
from commands.save.modal import show_order
from commands.save.views import order_form, status_view

MESSAGE_SHORTCUT = "wallet_save_message"


async def message_shortcut(request: Incoming, services: Services) -> Answer:
    found = find_mentions(request.message_text)
    return answer().then(lambda: _open_form(request, services, found))


async def _open_form(request: Incoming, services: Services, found: Mentions) -> None:
    sealed = seal_found(services.sealer, found.payment_methods)
    meta = FormMeta(channel=request.channel_id, response_url=request.response_url, found=sealed)
    one_order = found.orders[0] if len(found.orders) == 1 else None
    waiting = f"Looking up order {escape(one_order)}" if one_order else "Reading the message"
    view_id = await open_modal(request, status_view(f":hourglass_flowing_sand: {waiting}…", meta))
    if view_id is None:
        return
    if one_order is not None:
        await show_order(request, services, one_order, meta, view_id, _notes(found))
        return
    if await refused(request, services, in_modal(request.client, view_id, lambda text: status_view(text, meta))):
        return
    await update_modal(request.client, view_id, order_form(meta=meta, choices=found.orders, notes=_notes(found)))


def _notes(found: Mentions) -> list[str]:
    notes = [f"Not taken from the message: {problem}" for problem in found.rejected]
    if found.truncated:
        notes.append(f"The message is long: only its first {MAX_SCANNED_CHARS:,} characters were read.")
    return notes
