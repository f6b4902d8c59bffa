"""The save modal's submissions, and the global shortcut that opens it."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.inputs import InputError, mask_payment_method, parse_order_ref, parse_payment_method_id
from bot.wallet import Actor, WalletError
from commands.blocks import escape, failure_blocks
from commands.guard import refusal
from commands.listener import acknowledge, listening
from commands.payload import actor_ids, dig, input_value
from commands.save.outcome import load_preview, run_save
from commands.save.views import (
    CARD_ACTION,
    CARD_BLOCK,
    ORDER_ACTION,
    ORDER_BLOCK,
    FormMeta,
    failure_view,
    order_form,
    result_blocks,
    result_text,
    result_view,
    save_form,
    status_view,
)
from commands.services import Services

log = structlog.get_logger("save")
SHORTCUT = "wallet_save"


class ModalListeners:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def on_shortcut(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with listening(self._services, body, client):
            await self._shortcut(ack, body, client)

    async def on_order(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        async with listening(self._services, body, client):
            await self._order(ack, body, view, client)

    async def on_card(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        async with listening(self._services, body, client):
            await self._card(ack, body, view, client)

    async def _shortcut(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await acknowledge(self._services, ack)
        trigger_id = dig(body, "trigger_id")
        if trigger_id:
            await client.views_open(trigger_id=trigger_id, view=order_form())

    async def _order(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        try:
            order = str(parse_order_ref(input_value(view, ORDER_BLOCK, ORDER_ACTION)))
        except InputError as error:
            await ack(response_action="errors", errors={ORDER_BLOCK: str(error)})
            return
        meta = FormMeta.loads(view.get("private_metadata"))
        await acknowledge(
            self._services,
            ack,
            response_action="update",
            view=status_view(f":hourglass_flowing_sand: Looking up order {escape(order)}…", meta),
        )
        user_id, _ = actor_ids(body)
        refused = await refusal(self._services, user_id, meta.channel)
        if refused:
            await update_modal(client, view.get("id"), status_view(refused, meta))
            return
        preview = await load_preview(self._services, order)
        if isinstance(preview, WalletError):
            await update_modal(client, view.get("id"), order_form(problem=preview.message, meta=meta))
            return
        await update_modal(client, view.get("id"), save_form(preview, meta))

    async def _card(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        try:
            pm_id = parse_payment_method_id(input_value(view, CARD_BLOCK, CARD_ACTION))
        except InputError as error:
            await ack(response_action="errors", errors={CARD_BLOCK: str(error)})
            return
        meta = FormMeta.loads(view.get("private_metadata"))
        if not meta.order:
            await ack(
                response_action="update",
                view=order_form(problem="This form lost its order: enter it again.", meta=meta),
            )
            return
        card = mask_payment_method(pm_id)
        await acknowledge(
            self._services,
            ack,
            response_action="update",
            view=status_view(f":hourglass_flowing_sand: Saving card {card}…", meta),
        )
        user_id, team_id = actor_ids(body)
        refused = await refusal(self._services, user_id, meta.channel)
        if refused:
            await update_modal(client, view.get("id"), status_view(refused, meta))
            return
        outcome = await run_save(self._services, meta.order, pm_id, Actor(team_id, user_id))
        # The outcome also goes, ephemerally, to the conversation where the command was typed.
        post = self._services.responses.to(meta.response_url)
        if isinstance(outcome, WalletError):
            shown, text, blocks = failure_view(outcome, meta), outcome.message, failure_blocks(outcome)
        else:
            shown, text, blocks = result_view(outcome, meta), result_text(outcome), result_blocks(outcome)
        # Two places tell the same result; neither needs to wait for the other.
        await asyncio.gather(
            update_modal(client, view.get("id"), shown),
            post(text=text, blocks=blocks, response_type="ephemeral"),
        )


async def update_modal(client: AsyncWebClient, view_id: object, new_view: View) -> None:
    """Show `new_view` in the open modal `view_id`, if the user has not closed it meanwhile."""
    if not isinstance(view_id, str):
        return
    try:
        await client.views_update(view_id=view_id, view=new_view)
    except SlackApiError as error:  # closed by the user meanwhile: the channel message still tells
        log.info("save.modal_not_updated", error=error.response.get("error"))
