"""Block Kit for the App Home: the Home tab, and the small modals its buttons open."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.slack.access import Decision
from bot.wallet import HistoryResult
from commands.history import event_line
from commands.plumbing.blocks import SECTION_LIMIT, context, escape, header, section
from commands.plumbing.modal import FormMeta, modal, text_view

SAVE_ACTION = "home_save_open"
USE_ACTION = "home_use_open"
FIND_ACTION = "home_find_open"
BULK_ACTION = "home_bulk_open"
USE_ORDER_FORM = "home_use_order_form"
FIND_FORM = "home_find_form"
FIND_STATUS = "home_find_status"
ASK_BLOCK, ASK_ACTION = "ask", "ref"
RECENT_SHOWN = 10  # the Home's list stays short: /wallet history @me has the rest

USE_TITLE = "Use a saved card"
FIND_TITLE = "Find a wallet"


@dataclass(frozen=True)
class Home:
    """What the Home tab tells one user. `recent` is None while it is being read, a text when it could not be."""

    access: Decision
    mode: str | None  # None: Commerce Layer could not be asked
    recent: HistoryResult | str | None = None


def home_view(home: Home) -> View:
    blocks: list[Block] = [
        header("Wallet bot"),
        section(
            "Saves a customer's Stripe card (`pm_…`) into their Commerce Layer wallet, uses a saved card "
            "on their orders, and shows what is in a wallet. Every change is recorded with your name and reason."
        ),
        _buttons(),
        _access_block(home.access),
        context(_mode_text(home.mode)),
        DividerBlock(),
        *_recent_blocks(home.recent),
    ]
    return View(type="home", blocks=blocks)


def _buttons() -> ActionsBlock:
    return ActionsBlock(
        block_id="home_actions",
        elements=[
            ButtonElement(text="Save a card", action_id=SAVE_ACTION, style="primary"),
            ButtonElement(text="Use a saved card", action_id=USE_ACTION),
            ButtonElement(text="Find a wallet", action_id=FIND_ACTION),
            ButtonElement(text="Bulk save", action_id=BULK_ACTION),
        ],
    )


def _access_block(access: Decision) -> Block:
    if access.allowed:
        return section(f":white_check_mark: *You may change wallets.* {escape(access.grounds)}")
    return section(f":no_entry: *You can't change wallets.* {escape(access.reason)}")


def _mode_text(mode: str | None) -> str:
    if mode is None:
        return ":grey_question: Commerce Layer's mode (test or live) could not be read just now."
    if mode == "test":
        return "Commerce Layer is in *test* mode: no real customer is charged."
    return "Commerce Layer is in *live* mode: these are real customers' wallets."


def _recent_blocks(recent: HistoryResult | str | None) -> list[Block]:
    title = "*Your recent changes*"
    if recent is None:
        return [section(f"{title}\n:hourglass_flowing_sand: Reading them from Commerce Layer…")]
    if isinstance(recent, str):
        return [section(f"{title}\n:warning: They couldn't be read: {escape(recent)} Open this tab again to retry.")]
    if not recent.events:
        return [section(f"{title}\nNone yet: saves and uses you make with Wallet bot appear here.")]
    lines, blocks = [title], []
    for line in map(event_line, recent.events):
        if len("\n".join([*lines, line])) > SECTION_LIMIT:
            blocks.append(section("\n".join(lines)))
            lines = []
        lines.append(line)
    blocks.append(section("\n".join(lines)))
    more = " Older ones: `/wallet history @you`." if recent.more else ""
    return [*blocks, context(f"Newest first, from Commerce Layer's records.{more}")]


def ask_form(
    title: str, callback_id: str, label: str, hint: str, placeholder: str, *, problem: str | None = None
) -> View:
    """A modal with one input: which order (or customer) the button's flow is about."""
    blocks: list[Block] = [section(f":warning: {escape(problem)}")] if problem else []
    blocks.append(
        InputBlock(
            block_id=ASK_BLOCK,
            label=label,
            hint=hint,
            element=PlainTextInputElement(action_id=ASK_ACTION, placeholder=placeholder, max_length=254),
        )
    )
    return modal(title, blocks, FormMeta(), callback_id=callback_id, submit="Next")


def use_order_form(problem: str | None = None) -> View:
    return ask_form(
        USE_TITLE,
        USE_ORDER_FORM,
        "Order",
        "Its number (1009 or #1009) or its Commerce Layer id: you'll pick one of the customer's saved cards.",
        "1009",
        problem=problem,
    )


def find_form(problem: str | None = None) -> View:
    return ask_form(
        FIND_TITLE,
        FIND_FORM,
        "Order or customer email",
        "An order's number (1001) or Commerce Layer id, or the customer's email.",
        "1001 or alice@example.com",
        problem=problem,
    )


def find_status(text: str, meta: FormMeta | None = None) -> View:
    return text_view(FIND_TITLE, text, meta or FormMeta(), FIND_STATUS)
