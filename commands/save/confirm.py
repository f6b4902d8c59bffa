"""The Confirm and Cancel buttons of `/wallet save <order> <pm_…>`."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.responses import Reply
from bot.wallet import Actor, WalletError
from commands.blocks import failure_blocks
from commands.guard import refusal
from commands.listener import acknowledge, listening
from commands.payload import actor_ids, dig, first_action_value
from commands.save.outcome import run_save
from commands.save.views import result_blocks, result_text
from commands.sealed import Expired, SealError
from commands.services import Services


class ConfirmListeners:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def on_confirm(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with listening(self._services, body, client):
            await self._confirm(ack, body, self._services.responses.to(dig(body, "response_url")))

    async def _confirm(self, ack: AsyncAck, body: dict[str, Any], respond: Reply) -> None:
        await acknowledge(self._services, ack)
        user_id, team_id = actor_ids(body)
        channel_id = dig(body, "channel", "id")
        try:
            pending = self._services.sealer.open(first_action_value(body))
        except Expired:
            await respond(
                text="This confirmation expired: it is more than 15 minutes old. Nothing was changed. "
                "Run /wallet save again to see the order as it is now.",
                replace_original=True,
            )
            return
        except SealError:
            await respond(
                text="This button can't be used: nothing was changed. Run /wallet save again.", replace_original=True
            )
            return
        if pending.user_id != user_id:
            await respond(
                text="Only the person who asked for this save can confirm it. Nothing was changed.",
                replace_original=False,
            )
            return
        refused = await refusal(self._services, user_id, channel_id)
        if refused:
            await respond(text=refused, replace_original=True)
            return
        # The save need not wait for Slack to take the progress message; the result goes after it.
        saving = asyncio.create_task(respond(text=":hourglass_flowing_sand: Saving the card…", replace_original=True))
        outcome = await run_save(self._services, pending.order, pending.pm_id, Actor(team_id, user_id))
        await saving
        if isinstance(outcome, WalletError):
            await respond(text=outcome.message, blocks=failure_blocks(outcome), replace_original=True)
        else:
            await respond(text=result_text(outcome), blocks=result_blocks(outcome), replace_original=True)

    async def on_cancel(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with listening(self._services, body, client):
            await acknowledge(self._services, ack)
            respond = self._services.responses.to(dig(body, "response_url"))
            await respond(text="Cancelled: nothing was changed.", replace_original=True)
