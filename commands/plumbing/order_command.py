"""The shape `/wallet save` and `/wallet use` share: `<order>` opens a modal, `<order> <what> [reason…]`
shows a preview with Confirm."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.slack.listeners import Answer, Incoming, Listener, answer
from bot.slack.services import Services
from bot.wallet import InputError, OrderRef, parse_order_ref, parse_reason
from commands.help import usage

A = TypeVar("A")
OpenForm = Callable[[Incoming, Services, OrderRef], Awaitable[None]]


def order_command(
    needs: str,
    parse: Callable[[str], A],
    open_form: OpenForm,
    preview: Callable[[Incoming, Services, OrderRef, A, str | None], Awaitable[None]],
) -> Listener:
    """The listener: `needs` is the usage problem without any argument; `parse` reads the second one."""

    async def listener(request: Incoming, services: Services) -> Answer:
        args = request.args
        if not args:
            return usage(needs)
        try:
            order = parse_order_ref(args[0])
            second = parse(args[1]) if len(args) > 1 else None
            # Without its second argument the command opens a modal, which asks for the reason itself.
            reason = parse_reason(args[2:], required=services.require_reason) if second is not None else None
        except InputError as error:
            return usage(str(error))
        if second is None:
            return answer().then(lambda: open_form(request, services, order))
        return answer().then(lambda: preview(request, services, order, second, reason))

    return listener
