"""`/wallet` and `/wallet help`: the usage text, its "Open the save form" button, and that button's listener.

Every sub-command answers a bad argument with `usage(problem)`: instant, ephemeral, nothing called.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import excerpt
from commands.plumbing.blocks import context, escape, section
from commands.save.views import order_form

OPEN_FORM_ACTION = "wallet_open_form"

USAGE = "\n".join(
    [
        "*Wallet bot* saves a customer's Stripe card into their Commerce Layer wallet, uses it on their orders, "
        "and removes it.",
        "• `/wallet save 1001` opens the save form for order #1001: check the order, paste the card's `pm_…` id.",
        "• `/wallet save 1001 pm_1MqM05LkdIwHu7ix… customer asked` shows the order, then saves on *Confirm*.",
        "• `/wallet use 1009` picks one of the customer's saved cards for order #1009 in a form; "
        "`/wallet use 1009 4444 phone order` names it by its last 4 digits (or its id), then *Confirm*.",
        "• `/wallet remove bob@example.com 4444 customer asked` removes a saved card, after a preview and *Remove card*.",
        "• `/wallet sources 1001` or `/wallet sources alice@example.com` lists the customer's saved cards.",
        "• `/wallet history`, `/wallet history 1001`, `/wallet history alice@example.com` or `/wallet history @alex` "
        "lists Wallet bot's recent changes: who, when, which card, why.",
        "• `/wallet bulk` saves many cards at once: paste rows of `order, pm_…[, reason]` or attach a CSV file; "
        "every row is checked first, then a message in the channel shows the progress.",
        "Orders are found by number (`1001`, `#1001`) or Commerce Layer id (`qaMAhZkZvd`). Words after a "
        "change's arguments are its reason: they go to the audit trail and to Commerce Layer.",
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
    return (
        f"{problem} Type /wallet help for usage."
        if problem
        else "Wallet bot: /wallet save | use | remove | sources | history"
    )


def usage(problem: str | None = None) -> Answer:
    """The usage, with the problem named first, as the acknowledgement itself."""
    return answer(text=usage_text(problem), blocks=usage_blocks(problem), response_type="ephemeral")


async def help_command(request: Incoming, services: Services) -> Answer:
    # Each word through excerpt(): a pm_… id pasted here is shortened, never echoed in full.
    extra = excerpt(" ".join(excerpt(arg) for arg in request.args), 60)
    return usage(f"/wallet help takes no argument (got “{extra}”)." if extra else None)


async def open_form_button(request: Incoming, services: Services) -> Answer:
    async def open_form() -> None:
        if request.trigger_id:
            await request.client.views_open(trigger_id=request.trigger_id, view=order_form(request.channel_id))

    return answer().then(open_form)
