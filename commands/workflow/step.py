"""The custom step "Save card to wallet": the command's save, run for the workflow's user.

Inputs `order`, `payment_method_id`, `reason` (optional) and `user_id` (who runs the workflow);
outputs `wallet_entry_id` (the customer payment source holding the card) and `card` (as the
commands show it: brand, last 4, expiry, or the masked `pm_…`). It is the command's save: the same
access decision for that user, reason rules, lease, audit log, audit channel and Commerce Layer
record. It fails with the message the command would show.

Slack retries an event it got no 200 for within 3 s, and a retry may reach another process: the
step's function_execution_id is marked used once in the shared state (Redis with several
processes), so a delivery after the first neither saves nor completes again.
"""

from __future__ import annotations

from typing import Any

import structlog
from slack_sdk.errors import SlackApiError

from bot.slack.listeners import Answer, Incoming, answer, dig
from bot.slack.services import Services
from bot.state import StateUnavailable
from bot.wallet import (
    Actor,
    InputError,
    OrderRef,
    PaymentMethodId,
    WalletError,
    parse_order_ref,
    parse_payment_method_id,
    parse_reason,
)
from commands.save.outcome import run_save

CALLBACK_ID = "save_card_to_wallet"
INPUTS = ("order", "payment_method_id", "reason", "user_id")  # as manifest.yml declares them
OUTPUTS = ("wallet_entry_id", "card")
# Longer than Slack keeps retrying an event (its last retry comes minutes after the first delivery).
ONCE_SECONDS = 3600.0
STATE_DOWN = (
    "Wallet bot's shared state (Redis) can't be reached, so it can't make sure this step saves only once. "
    "Nothing was changed. Run the workflow again in a minute."
)
RERUN = "Running the step again is safe: a save is finished, never repeated."
log = structlog.get_logger("workflow")

Outputs = dict[str, str]


async def save_step(request: Incoming, services: Services) -> Answer:
    execution_id = dig(request.event, "function_execution_id")
    if not execution_id:
        return answer()
    return answer().then(lambda: _run_once(request, services, execution_id))


async def _run_once(request: Incoming, services: Services, execution_id: str) -> None:
    try:
        first = await services.state.use_once(f"step:{execution_id}", ttl=ONCE_SECONDS)
    except StateUnavailable:
        await _complete(request, execution_id, STATE_DOWN)
        return
    if not first:  # a retried or repeated delivery: the first one saves and completes
        log.info("workflow.repeated_delivery", function_execution_id=execution_id)
        return
    try:
        result = await _save(request, services)
    except Exception:  # the workflow still gets its final word: a step left running hangs it
        log.exception("workflow.unexpected_error", function_execution_id=execution_id)
        result = "Something unexpected went wrong inside Wallet bot; it is not known how far the save got. " + RERUN
    await _complete(request, execution_id, result)


async def _save(request: Incoming, services: Services) -> Outputs | str:
    """The step's outputs, or the message to fail it with."""
    inputs = request.event.get("inputs")
    given: dict[str, Any] = inputs if isinstance(inputs, dict) else {}
    user_id = _text(given, "user_id")
    try:
        order = parse_order_ref(_text(given, "order"))
        pm_id = parse_payment_method_id(_text(given, "payment_method_id"))
        reason = parse_reason([_text(given, "reason")], required=services.require_reason)
    except InputError as error:
        return str(error)
    if not user_id:
        return "The step needs the person who runs the workflow (its user_id input). Nothing was changed."
    decision = await services.access.check(user_id, None)
    if not decision.allowed:
        return decision.reason
    return await _saved(services, order, pm_id, Actor(request.team_id, user_id, reason))


async def _saved(services: Services, order: OrderRef, pm_id: PaymentMethodId, actor: Actor) -> Outputs | str:
    outcome = await run_save(services, order, pm_id, actor)
    if isinstance(outcome, WalletError):
        return outcome.message
    return {"wallet_entry_id": outcome.entry_id, "card": outcome.card.label}


async def _complete(request: Incoming, execution_id: str, result: Outputs | str) -> None:
    """functions.completeSuccess with the outputs, or functions.completeError with the message."""
    try:
        if isinstance(result, str):
            await request.client.functions_completeError(function_execution_id=execution_id, error=result)
        else:
            await request.client.functions_completeSuccess(function_execution_id=execution_id, outputs=result)
    except SlackApiError as error:
        log.warning("workflow.not_completed", function_execution_id=execution_id, error=error.response.get("error"))


def _text(inputs: dict[str, Any], name: str) -> str:
    value = inputs.get(name)
    return value.strip() if isinstance(value, str) else ""
