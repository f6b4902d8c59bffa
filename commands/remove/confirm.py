"""The destructive Confirm button of `/wallet remove`, and the removal's trace in the audit channel."""

from __future__ import annotations

from bot.slack.sealed import PendingRemove
from bot.slack.services import Services
from bot.wallet import Actor, Owner, RemoveResult, WalletError
from commands.plumbing.blocks import reason_note
from commands.plumbing.confirm import Wording, confirm_listener
from commands.plumbing.outcome import settled
from commands.remove.views import result_blocks, result_text


async def run_remove(services: Services, owner: Owner, card_id: str, actor: Actor) -> RemoveResult | WalletError:
    """The removal's result or the error to show; never raises. A removal made is posted to the audit channel."""
    outcome = await settled(services.wallet.remove(owner, card_id, actor), "remove the card")
    if isinstance(outcome, RemoveResult) and not outcome.already_gone:
        await services.audit.post(
            f":wastebasket: <@{actor.user_id}> removed saved card {outcome.card.card.label} ({outcome.card.id}) "
            f"from the wallet of customer {outcome.customer_id} ({outcome.mode} mode)" + reason_note(actor)
        )
    return outcome


async def _remove(services: Services, pending: PendingRemove, actor: Actor) -> RemoveResult | WalletError:
    return await run_remove(services, Owner(pending.customer, pending.email or None), pending.card, actor)


confirm_button = confirm_listener(
    PendingRemove,
    Wording("/wallet remove", "removal", "the wallet as it is now"),
    ":hourglass_flowing_sand: Removing the card…",
    _remove,
    result_text,
    result_blocks,
)
