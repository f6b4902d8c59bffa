"""`/wallet sources <order | customer email>`: the customer's saved payment sources, ephemeral."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import CustomerRef, InputError, SourcesResult, parse_customer_ref
from commands.help import usage
from commands.plumbing.blocks import escape, mode_note, section, wallet_lines
from commands.plumbing.outcome import read_for, settled


def sources_blocks(result: SourcesResult) -> list[Block]:
    who = escape(result.customer_email or result.customer_id)
    via = f" (customer of order #{escape(result.order.number)})" if result.order else ""
    return [
        section(f"Saved payment sources of *{who}*{via}"),
        *wallet_lines(result.wallet, title="Wallet"),
        mode_note(result.mode),
    ]


async def sources_command(request: Incoming, services: Services) -> Answer:
    if len(request.args) != 1:
        problem = "needs" if not request.args else "takes only"
        return usage(f"/wallet sources {problem} one order or customer email.")
    try:
        ref = parse_customer_ref(request.args[0])
    except InputError as error:
        return usage(str(error))
    return answer().then(lambda: _list_sources(request, services, ref))


async def _list_sources(request: Incoming, services: Services, ref: CustomerRef) -> None:
    result = await read_for(request, services, lambda: settled(services.wallet.sources(ref), "list the saved cards"))
    if result is None:
        return
    await request.say(f"{len(result.wallet)} saved payment sources", sources_blocks(result))
