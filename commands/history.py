"""`/wallet history [<order | customer email | @user>]`: what Wallet bot changed, newest first, ephemeral."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import HistoryEvent, HistoryRef, HistoryResult, InputError, parse_history_ref
from commands.help import usage
from commands.plumbing.blocks import SECTION_LIMIT, context, escape, mode_note, section
from commands.plumbing.outcome import read_for, settled

VERBS = {"save": "saved", "use": "used", "remove": "removed"}
WHERE = {"save": "through", "use": "on", "remove": "saved through"}


def event_line(event: HistoryEvent) -> str:
    """One change: when, who, what, which card, which order and customer, the result, and why."""
    when = (event.at or "")[:16].replace("T", " ") or "unknown time"
    who = f"<@{event.user_id}>" if event.user_id else "someone"
    order = f" {WHERE[event.action]} order #{escape(event.order_number)}" if event.order_number else ""
    customer = f" of {escape(event.customer)}" if event.customer else ""
    line = (
        f"• {escape(when)} UTC · {who} {VERBS[event.action]} *{escape(event.card.label)}*{order}{customer}"
        f" · {escape(event.result)}"
    )
    return line + (f"\n      _“{escape(event.reason)}”_" if event.reason else "")


def history_blocks(result: HistoryResult) -> list[Block]:
    # The scope is built from parsed refs (an order number, an email, a Slack user id): a mention stays one.
    scope = f" {result.scope}" if result.scope else ""
    if not result.events:
        return [
            section(f"No change by Wallet bot is recorded{scope}."),
            context("Saves, uses and removals made with Wallet bot appear here, newest first."),
            mode_note(result.mode),
        ]
    blocks: list[Block] = [section(f"*Wallet bot history*{scope}")]
    chunk: list[str] = []
    for line in map(event_line, result.events):
        if chunk and len("\n".join([*chunk, line])) > SECTION_LIMIT:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(section("\n".join(chunk)))
    older = " Older changes are not shown: narrow it to an order, a customer or a person." if result.more else ""
    blocks.append(context(f"Newest first, from Commerce Layer's records of Wallet bot's changes.{older}"))
    return [*blocks, mode_note(result.mode)]


async def history_command(request: Incoming, services: Services) -> Answer:
    if len(request.args) > 1:
        return usage("/wallet history takes at most one order, customer email or @person.")
    try:
        ref = parse_history_ref(request.args[0]) if request.args else None
    except InputError as error:
        return usage(str(error))
    return answer().then(lambda: _show_history(request, services, ref))


async def _show_history(request: Incoming, services: Services, ref: HistoryRef | None) -> None:
    result = await read_for(request, services, lambda: settled(services.wallet.history(ref), "read the history"))
    if result is None:
        return
    await request.say(f"{len(result.events)} recent changes by Wallet bot", history_blocks(result))
