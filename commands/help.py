"""`/wallet` and `/wallet help`: usage with examples, and the button that opens the save form."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.inputs import preview
from commands.listener import acknowledge, listening
from commands.payload import dig
from commands.save.views import order_form
from commands.services import Services
from commands.slash import SlashRequest
from commands.usage import OPEN_FORM_ACTION, reply_usage


async def run(request: SlashRequest, services: Services) -> None:
    # Each word through preview(): a pm_… id pasted here is shortened, never echoed in full.
    extra = preview(" ".join(preview(arg) for arg in request.args), 60)
    await reply_usage(request.ack, f"/wallet help takes no argument (got “{extra}”)." if extra else None)


def register(app: AsyncApp, services: Services) -> None:
    async def open_form(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with listening(services, body, client):
            await acknowledge(services, ack)
            trigger_id = dig(body, "trigger_id")
            if trigger_id:
                await client.views_open(trigger_id=trigger_id, view=order_form(channel_id=dig(body, "channel", "id")))

    app.action(OPEN_FORM_ACTION)(open_form)
