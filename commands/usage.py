"""The usage reply: sent by `/wallet help`, and by any sub-command given a bad argument."""

from __future__ import annotations

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from commands.blocks import context, escape, section

OPEN_FORM_ACTION = "wallet_open_form"

USAGE = "\n".join(
    [
        "*Wallet bot* saves a customer's Stripe card into their Commerce Layer wallet.",
        "• `/wallet save 1001` opens the save form for order #1001: check the order, paste the card's `pm_…` id.",
        "• `/wallet save 1001 pm_1MqM05LkdIwHu7ix…` shows the order, then saves on *Confirm*.",
        "• `/wallet sources 1001` or `/wallet sources alice@example.com` lists the customer's saved cards.",
        "Orders are found by number (`1001`, `#1001`) or Commerce Layer id (`qaMAhZkZvd`).",
    ]
)


def usage_blocks(problem: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if problem:
        blocks.append(section(f":warning: {escape(problem)}"))
    blocks += [
        section(USAGE),
        ActionsBlock(
            block_id="wallet_help",
            elements=[ButtonElement(text="Open the save form", action_id=OPEN_FORM_ACTION, style="primary")],
        ),
        context("Replies are only visible to you."),
    ]
    return blocks


def usage_text(problem: str | None = None) -> str:
    return f"{problem} Type /wallet help for usage." if problem else "Wallet bot: /wallet save <order> [pm_…]"


async def reply_usage(ack: AsyncAck, problem: str | None = None) -> None:
    """Answer in the acknowledgement itself: instant, ephemeral, and nothing else is called."""
    await ack(text=usage_text(problem), blocks=usage_blocks(problem), response_type="ephemeral")
