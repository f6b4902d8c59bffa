"""Running a save for any surface, and leaving its trace in the audit channel."""

from __future__ import annotations

import structlog

from bot.slack.services import Services
from bot.wallet import (
    Actor,
    OrderRef,
    PaymentMethodId,
    Preview,
    SaveFailed,
    SaveResult,
    WalletError,
    mask_payment_method,
)

log = structlog.get_logger("save")


def _unexpected(doing: str) -> SaveFailed:
    return SaveFailed(
        f"Something unexpected went wrong inside Wallet bot while it tried to {doing}.",
        unchanged=("It is not known how far it got.",),
        next_step="Run the same command again: a save that stopped half-way is finished, never repeated.",
    )


async def load_preview(services: Services, order: OrderRef) -> Preview | WalletError:
    """The order preview or the error to show; never raises, so every user gets a final message."""
    try:
        return await services.wallet.preview(order)
    except WalletError as error:
        return error
    except Exception:
        log.exception("preview.unexpected_error", order=str(order))
        return _unexpected("look the order up")


async def run_save(
    services: Services, order: OrderRef, pm_id: PaymentMethodId, actor: Actor
) -> SaveResult | WalletError:
    """The save's result or the error to show; never raises, so every user gets a final message."""
    try:
        result = await services.wallet.save(order, pm_id, actor)
    except WalletError as error:
        if error.changed:
            await services.audit.post(_partial_line(error, actor, pm_id, order))
        return error
    except Exception:
        log.exception("save.unexpected_error", order=str(order))
        return _unexpected("save the card")
    await services.audit.post(_saved_line(result, actor))
    return result


def _saved_line(result: SaveResult, actor: Actor) -> str:
    customer = result.order.customer.id if result.order.customer else "unknown"
    verb = "confirmed card already in" if result.already_in_wallet else "saved card"
    return (
        f":credit_card: <@{actor.user_id}> {verb} {result.card} "
        f"{'the' if result.already_in_wallet else 'to the'} wallet of customer {customer} "
        f"(order #{result.order.number}, Stripe payment {result.stripe_payment_id}, {result.mode} mode)"
    )


def _partial_line(error: WalletError, actor: Actor, pm_id: PaymentMethodId, order: OrderRef) -> str:
    return (
        f":warning: <@{actor.user_id}> started saving card {mask_payment_method(pm_id)} "
        f"through order {order}, which stopped half-way: {' '.join(error.changed)}"
    )
