"""`/wallet save`: the modal, the Confirm buttons and the "Save card to wallet" shortcut."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from commands.save.command import run
from commands.save.confirm import ConfirmListeners
from commands.save.modal import SHORTCUT, ModalListeners
from commands.save.views import CANCEL_ACTION, CONFIRM_ACTION, ORDER_FORM, SAVE_FORM
from commands.services import Services

__all__ = ["register", "run"]


def register(app: AsyncApp, services: Services) -> None:
    modal = ModalListeners(services)
    confirm = ConfirmListeners(services)
    # Most used first: Bolt tries listeners in this order (see commands/__init__.py).
    app.view_submission(SAVE_FORM)(modal.on_card)
    app.action(CONFIRM_ACTION)(confirm.on_confirm)
    app.view_submission(ORDER_FORM)(modal.on_order)
    app.action(CANCEL_ACTION)(confirm.on_cancel)
    app.shortcut(SHORTCUT)(modal.on_shortcut)
