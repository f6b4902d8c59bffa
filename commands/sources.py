"""`/wallet sources <order | customer email>`: the customer's saved payment sources, ephemeral."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.inputs import InputError, parse_customer_ref
from bot.wallet import SourcesResult, WalletError
from commands.blocks import escape, failure_blocks, mode_note, section, wallet_lines
from commands.guard import refusal
from commands.listener import acknowledge
from commands.services import Services
from commands.slash import SlashRequest
from commands.usage import reply_usage


def sources_blocks(result: SourcesResult) -> list[Block]:
    who = escape(result.customer_email or result.customer_id)
    via = f" (customer of order #{escape(result.order.number)})" if result.order else ""
    return [
        section(f"Saved payment sources of *{who}*{via}"),
        *wallet_lines(result.wallet, title="Wallet"),
        mode_note(result.mode),
    ]


async def run(request: SlashRequest, services: Services) -> None:
    if len(request.args) != 1:
        problem = "needs" if not request.args else "takes only"
        await reply_usage(request.ack, f"/wallet sources {problem} one order or customer email.")
        return
    try:
        parse_customer_ref(request.args[0])
    except InputError as error:
        await reply_usage(request.ack, str(error))
        return
    await acknowledge(services, request.ack)
    refused = await refusal(services, request.user_id, request.channel_id)
    if refused:
        await request.respond(text=refused, response_type="ephemeral")
        return
    try:
        result = await services.wallet.sources(request.args[0])
    except WalletError as error:
        await request.respond(text=error.message, blocks=failure_blocks(error), response_type="ephemeral")
        return
    await request.respond(
        text=f"{len(result.wallet)} saved payment sources", blocks=sources_blocks(result), response_type="ephemeral"
    )
