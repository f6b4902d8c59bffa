"""Every listener of the app, in one ordered table, and the `/wallet` sub-commands by name.

The order matters: Bolt tries listeners in the order they were registered, and every miss costs
CPU on the way to an answer. The listeners whose answers carry the most work come first: the save
modal's submissions and the Confirm button (docs/findings.md).
"""

from __future__ import annotations

from bot.slack.listeners import Answer, Incoming, Listener, Route
from bot.slack.services import Services
from bot.wallet import excerpt
from commands import help, history, sources
from commands.bulk import command as bulk_command
from commands.bulk import views as bulk_views
from commands.home import buttons as home_buttons
from commands.home import tab as home_tab
from commands.home import views as home_views
from commands.plumbing import confirm as previews
from commands.remove import command as remove_command
from commands.remove import confirm as remove_confirm
from commands.remove import views as remove_views
from commands.save import command, confirm, modal, shortcut, views
from commands.use import command as use_command
from commands.use import confirm as use_confirm
from commands.use import modal as use_modal
from commands.use import views as use_views
from commands.workflow import step as workflow_step

SUBCOMMANDS: dict[str, Listener] = {
    "help": help.help_command,
    "save": command.save_command,
    "use": use_command.use_command,
    "remove": remove_command.remove_command,
    "sources": sources.sources_command,
    "history": history.history_command,
    "bulk": bulk_command.bulk_command,
}


async def wallet_command(request: Incoming, services: Services) -> Answer:
    """`/wallet <sub-command> …`: picks the sub-command by its first word (none: help)."""
    name = request.words[0].lower() if request.words else "help"
    listener = SUBCOMMANDS.get(name)
    if listener is None:
        # excerpt() shortens a pasted pm_… id: a full card id is never echoed back.
        return help.usage(f"“{excerpt(name, 30)}” is not a /wallet command.")
    return await listener(request, services)


ROUTES: tuple[Route, ...] = (
    Route("view_submission", views.SAVE_FORM, modal.card_submitted),
    Route("action", views.CONFIRM_ACTION, confirm.confirm_button),
    Route("view_submission", views.ORDER_FORM, modal.order_submitted),
    Route("command", "/wallet", wallet_command),
    Route("view_submission", use_views.USE_FORM, use_modal.use_submitted),
    Route("action", use_views.CONFIRM_ACTION, use_confirm.confirm_button),
    Route("action", remove_views.CONFIRM_ACTION, remove_confirm.confirm_button),
    Route("options", use_views.CARD_ACTION, use_modal.card_options),
    Route("action", previews.CANCEL_ACTION, previews.cancel_button),
    Route("action", help.OPEN_FORM_ACTION, help.open_form_button),
    Route("shortcut", modal.SHORTCUT, modal.shortcut),
    # Used less often than the flows above: the Workflow Builder step and the App Home (Events API),
    # the message shortcut, bulk save.
    Route("function", workflow_step.CALLBACK_ID, workflow_step.save_step),
    Route("event", "app_home_opened", home_tab.home_opened),
    Route("action", home_views.SAVE_ACTION, home_buttons.save_button),
    Route("action", home_views.USE_ACTION, home_buttons.use_button),
    Route("action", home_views.FIND_ACTION, home_buttons.find_button),
    Route("action", home_views.BULK_ACTION, home_buttons.bulk_button),
    Route("view_submission", home_views.USE_ORDER_FORM, home_buttons.use_order_submitted),
    Route("view_submission", home_views.FIND_FORM, home_buttons.find_submitted),
    Route("message_shortcut", shortcut.MESSAGE_SHORTCUT, shortcut.message_shortcut),
    Route("view_submission", bulk_views.BULK_FORM, bulk_command.rows_submitted),
    Route("view_submission", bulk_views.BULK_REVIEW, bulk_command.review_confirmed),
    Route("action", bulk_views.STOP_ACTION, bulk_command.stop_button),
)
