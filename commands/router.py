"""The `/wallet` slash command: picks the sub-command module by the first word."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.inputs import preview
from commands import help, save, sources
from commands.listener import listening
from commands.services import Services
from commands.slash import SlashRequest
from commands.usage import reply_usage

SubCommand = Callable[[SlashRequest, Services], Awaitable[None]]
SUBCOMMANDS: dict[str, SubCommand] = {"help": help.run, "save": save.run, "sources": sources.run}


def register(app: AsyncApp, services: Services) -> None:
    async def on_wallet(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        text = command.get("text")
        words = text.split() if isinstance(text, str) else []
        name = words[0].lower() if words else "help"
        run = SUBCOMMANDS.get(name)
        if run is None:
            # preview() shortens a pasted pm_… id: a full card id is never echoed back.
            await reply_usage(ack, f"“{preview(name, 30)}” is not a /wallet command.")
            return
        reply = services.responses.to(command.get("response_url"))
        async with listening(services, command, client):
            await run(SlashRequest.of(command, ack, reply, client), services)

    app.command("/wallet")(on_wallet)
