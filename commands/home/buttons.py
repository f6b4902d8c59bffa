"""The Home tab's buttons, and the submissions of the modals they open.

Save a card opens the save flow's order step (the global shortcut's); Use a saved card and Find a
wallet ask for an order (or a customer) first, then show the use form or the wallet in the modal;
Bulk save opens `/wallet bulk`'s form.
Access is checked where each flow reads or changes a wallet, as in the commands.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from slack_sdk.models.views import View

from bot.slack.listeners import Answer, Incoming, answer
from bot.slack.services import Services
from bot.wallet import CustomerRef, InputError, OrderRef, WalletError, parse_customer_ref, parse_order_ref
from commands.bulk.command import bulk_command
from commands.home.views import (
    ASK_ACTION,
    ASK_BLOCK,
    FIND_TITLE,
    find_form,
    find_status,
    use_order_form,
)
from commands.plumbing.blocks import escape
from commands.plumbing.modal import FormMeta, in_modal, modal, update_modal
from commands.plumbing.outcome import settled
from commands.plumbing.refusal import refused
from commands.save.views import order_form
from commands.sources import sources_blocks
from commands.use.outcome import load_use_preview
from commands.use.views import status_view as use_status
from commands.use.views import use_form

R = TypeVar("R")
T = TypeVar("T")


def _opens(form: Callable[[], View]) -> Callable[[Incoming, Services], Awaitable[Answer]]:
    """A button's listener that opens `form` after its answer (the trigger lives 3 s)."""

    async def listener(request: Incoming, services: Services) -> Answer:
        async def open_form() -> None:
            if request.trigger_id:
                await request.client.views_open(trigger_id=request.trigger_id, view=form())

        return answer().then(open_form)

    return listener


save_button = _opens(order_form)
use_button = _opens(use_order_form)
find_button = _opens(find_form)
# From the Home there is no channel: the batch's progress and report go to the user's DM with the app.
bulk_button = bulk_command


async def use_order_submitted(request: Incoming, services: Services) -> Answer:
    async def show(order: OrderRef) -> None:
        await _then_show(
            request,
            services,
            lambda text: use_status(text, FormMeta()),
            lambda: load_use_preview(services, order, None),
            lambda preview: use_form(preview, FormMeta(), require_reason=services.require_reason),
            use_order_form,
        )

    return _asked(
        request,
        parse_order_ref,
        lambda order: use_status(f":hourglass_flowing_sand: Looking up order {escape(order)}…", FormMeta()),
        show,
    )


async def find_submitted(request: Incoming, services: Services) -> Answer:
    async def show(ref: CustomerRef) -> None:
        await _then_show(
            request,
            services,
            find_status,
            lambda: settled(services.wallet.sources(ref), "list the saved cards"),
            lambda result: modal(FIND_TITLE, sources_blocks(result), FormMeta(), callback_id="home_find_result"),
            find_form,
        )

    return _asked(
        request,
        parse_customer_ref,
        lambda ref: find_status(f":hourglass_flowing_sand: Looking up {escape(ref)}…"),
        show,
    )


def _asked(
    request: Incoming, parse: Callable[[str], R], looking: Callable[[R], View], show: Callable[[R], Awaitable[None]]
) -> Answer:
    """The ask modal's answer: its input's problem under it, or a "looking up" step and the lookup after."""
    try:
        ref = parse(request.input_value(ASK_BLOCK, ASK_ACTION))
    except InputError as error:
        return answer(response_action="errors", errors={ASK_BLOCK: str(error)})
    return answer(response_action="update", view=looking(ref)).then(lambda: show(ref))


async def _then_show(
    request: Incoming,
    services: Services,
    status: Callable[[str], View],
    load: Callable[[], Awaitable[T | WalletError]],
    form: Callable[[T], View],
    ask_again: Callable[[str], View],
) -> None:
    """Access checked, then what `load` found shown in the modal, or the ask step again with its failure."""
    if await refused(request, services, in_modal(request.client, request.view_id, status)):
        return
    found = await load()
    shown = ask_again(found.message) if isinstance(found, WalletError) else form(found)
    await update_modal(request.client, request.view_id, shown)
