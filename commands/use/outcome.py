"""Running a use for any surface, and leaving its trace in the audit channel."""

from __future__ import annotations

from bot.slack.services import Services
from bot.wallet import Actor, CardRef, OrderRef, UsePreview, UseResult, WalletError
from commands.plumbing.blocks import reason_note
from commands.plumbing.outcome import settled


async def load_use_preview(services: Services, order: OrderRef, card: CardRef | None) -> UsePreview | WalletError:
    """The use preview or the error to show; never raises."""
    return await settled(services.wallet.use_preview(order, card), "look the order up")


async def run_use(services: Services, order: OrderRef, card: CardRef, actor: Actor) -> UseResult | WalletError:
    """The use's result or the error to show; never raises. A change made is posted to the audit channel."""
    outcome = await settled(services.wallet.use(order, card, actor), "use the saved card")
    if isinstance(outcome, UseResult) and not outcome.already:
        await services.audit.post(_used_line(outcome, actor))
    elif isinstance(outcome, WalletError) and outcome.changed:
        await services.audit.post(
            f":warning: <@{actor.user_id}> started using {card} on order {order}, which stopped half-way: "
            + " ".join(outcome.changed)
            + reason_note(actor)
        )
    return outcome


def _used_line(result: UseResult, actor: Actor) -> str:
    order = result.order
    customer = order.customer.id if order.customer else "unknown"
    source = order.payment_source.id if order.payment_source else "unknown"
    return (
        f":credit_card: <@{actor.user_id}> used saved card {result.card.card.label} ({result.card.id}) on order "
        f"#{order.number} of customer {customer} (Stripe payment {source}, {result.mode} mode)" + reason_note(actor)
    )
