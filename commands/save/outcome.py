"""Running a save for any surface, and leaving its trace in the audit channel."""

from __future__ import annotations

from bot.slack.services import Services
from bot.wallet import (
    Actor,
    OrderRef,
    PaymentMethodId,
    Preview,
    SaveResult,
    WalletError,
    mask_payment_method,
)
from commands.plumbing.blocks import reason_note
from commands.plumbing.outcome import settled

FINISHED_NOT_REPEATED = "Run the same command again: a save that stopped half-way is finished, never repeated."


async def load_preview(
    services: Services, order: OrderRef, pm_id: PaymentMethodId | None = None
) -> Preview | WalletError:
    """The order preview or the error to show; never raises, so every user gets a final message."""
    return await settled(services.wallet.preview(order, pm_id), "look the order up", FINISHED_NOT_REPEATED)


async def run_save(
    services: Services, order: OrderRef, pm_id: PaymentMethodId, actor: Actor
) -> SaveResult | WalletError:
    """The save's result or the error to show; never raises, so every user gets a final message."""
    outcome = await settled(services.wallet.save(order, pm_id, actor), "save the card", FINISHED_NOT_REPEATED)
    if not isinstance(outcome, WalletError):
        await services.audit.post(_saved_line(outcome, actor))
    elif outcome.changed:
        await services.audit.post(_partial_line(outcome, actor, pm_id, order))
    return outcome


def _saved_line(result: SaveResult, actor: Actor) -> str:
    customer = result.order.customer.id if result.order.customer else "unknown"
    verb = "confirmed card already in" if result.already_in_wallet else "saved card"
    return (
        f":credit_card: <@{actor.user_id}> {verb} {result.card.label} ({result.card.masked}) "
        f"{'the' if result.already_in_wallet else 'to the'} wallet of customer {customer} "
        f"(order #{result.order.number}, Stripe payment {result.stripe_payment_id}, {result.mode} mode)"
        + reason_note(actor)
    )


def _partial_line(error: WalletError, actor: Actor, pm_id: PaymentMethodId, order: OrderRef) -> str:
    return (
        f":warning: <@{actor.user_id}> started saving card {mask_payment_method(pm_id)} "
        f"through order {order}, which stopped half-way: {' '.join(error.changed)}" + reason_note(actor)
    )
