"""Block Kit for `/wallet remove`: the preview with its destructive Confirm, and the results."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ConfirmObject

from bot.wallet import RemovePreview, RemoveResult
from commands.plumbing.blocks import context, escape, failure_blocks, header, mode_note, section, wallet_lines
from commands.plumbing.confirm import confirm_actions

CONFIRM_ACTION = "wallet_remove_confirm"
STAYS_IN_STRIPE = (
    "It leaves the customer's Commerce Layer wallet, so nobody can pick it for an order any more; "
    "the card itself stays stored in Stripe."
)


def _whose(email: str | None, customer_id: str) -> str:
    return escape(email or customer_id)


def confirm_blocks(preview: RemovePreview, sealed: str) -> list[Block]:
    """The ephemeral preview of `/wallet remove`, with a destructive Confirm (and Slack's dialog) and Cancel."""
    whose = _whose(preview.customer_email, preview.customer_id)
    wallet = wallet_lines(preview.wallet, title="Wallet")
    card = preview.card
    if preview.blocker is not None or card is None:
        refusal = failure_blocks(preview.blocker) if preview.blocker else []
        return [*refusal, *wallet, mode_note(preview.mode)]
    label = escape(card.card.label)
    blocks: list[Block] = [
        section(f"Remove *{label}* (`{escape(card.id)}`) from *{whose}*'s wallet?"),
        context(STAYS_IN_STRIPE),
    ]
    if card.duplicate_of:
        blocks.append(context(f":warning: The wallet holds this card twice: `{escape(card.duplicate_of)}` stays."))
    confirm = ConfirmObject(
        title="Remove this card?",
        text=f"Remove {label} from {whose}'s wallet? It can't be picked for an order any more."[:300],
        confirm="Remove card",
        deny="Back",
        style="danger",
    )
    actions = confirm_actions(
        "wallet_remove_confirm", CONFIRM_ACTION, sealed, confirm, label="Remove card", style="danger"
    )
    return [*blocks, *wallet, *actions, mode_note(preview.mode)]


def result_blocks(result: RemoveResult) -> list[Block]:
    whose = _whose(result.customer_email, result.customer_id)
    if result.already_gone:
        title = "Card already removed"
        text = f"Saved card `{escape(result.card.id)}` was no longer in *{whose}*'s wallet: nothing was sent."
    else:
        title = "Card removed from the wallet"
        text = (
            f":white_check_mark: *{escape(result.card.card.label)}* is no longer in *{whose}*'s wallet; "
            "the card itself stays stored in Stripe."
        )
    blocks: list[Block] = [header(title), section(text)]
    if not result.already_gone and not result.recorded:
        blocks.append(
            context(
                "Wallet bot did not save this card, so Commerce Layer keeps no record of its removal that "
                "/wallet history can show: the audit channel and log have it."
            )
        )
    return [*blocks, *wallet_lines(result.wallet, title="Wallet now"), mode_note(result.mode)]


def result_text(result: RemoveResult) -> str:
    if result.already_gone:
        return f"Saved card {result.card.id} was already removed."
    return f"{result.card.card.label} removed from the wallet."
