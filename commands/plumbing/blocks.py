"""Block Kit pieces shared by the sub-commands, built from slack_sdk.models: text, orders, wallets,
cards, failures, and the reason input of the modals."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)

from bot.commercelayer.models import Order
from bot.wallet import Actor, WalletEntry, WalletError, order_card
from bot.wallet.refs import MAX_REASON_LENGTH

WALLET_LINES = 20  # entries shown before "and N more": keeps a section far below 3000 characters
SECTION_LIMIT = 3000


def escape(text: object) -> str:
    """Slack's mrkdwn escaping: input can't turn into a mention, a link or a broadcast."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text[:SECTION_LIMIT])


def section(text: str) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text))


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=text[:150])


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(text)])


def mode_note(mode: str) -> ContextBlock:
    return context("Commerce Layer *test* mode" if mode == "test" else "Commerce Layer *live* mode: real customers")


def order_fields(order: Order) -> SectionBlock:
    customer = order.customer.email if order.customer and order.customer.email else order.customer_email
    source = payment_source_text(order)
    method = order.payment_method.name or order.payment_method.payment_source_type if order.payment_method else None
    fields = [
        f"*Order*\n#{escape(order.number)} · {escape(order.status)}"
        + (f" · {escape(order.payment_status)}" if order.payment_status else ""),
        f"*Customer*\n{escape(customer or 'unknown')}" + ("" if order.customer else " (guest: no customer account)"),
        f"*Total*\n{escape(order.total or 'unknown')}",
        f"*Payment method*\n{escape(method or 'none')}",
        f"*Payment source*\n{source}",
    ]
    return SectionBlock(fields=[mrkdwn(field) for field in fields])


def payment_source_text(order: Order) -> str:
    """The order's payment source as an operator tells it apart: a Stripe payment's card, or its kind."""
    source, card = order.payment_source, order_card(order)
    if source is None or card is None:
        return "none yet"
    if source.is_stripe:
        return f"Stripe payment · {escape(card.label)}"
    return escape(source.type)


def wallet_lines(entries: Sequence[WalletEntry], *, title: str = "Saved payment sources") -> list[Block]:
    if not entries:
        return [section(f"*{title}*\nNone yet: the wallet is empty.")]
    shown = _newest_marked_first(entries)[:WALLET_LINES]
    lines = [_entry_line(entry) for entry in shown]
    blocks: list[Block] = [section(f"*{title}* ({len(entries)})\n" + "\n".join(lines))]
    if len(entries) > len(shown):
        blocks.append(context(f"…and {len(entries) - len(shown)} more."))
    return blocks


def _newest_marked_first(entries: Sequence[WalletEntry]) -> list[WalletEntry]:
    return sorted(entries, key=lambda entry: not entry.added)


def _entry_line(entry: WalletEntry) -> str:
    added = (entry.created_at or "")[:10] or "unknown date"
    masked = "" if entry.card.label == entry.card.masked else f" · {escape(entry.card.masked)}"
    line = f"• *{escape(entry.card.label)}*{masked} · added {escape(added)} · `{escape(entry.id)}`"
    if entry.added:
        line += "  :new: *added now*"
    if entry.duplicate_of:
        line += f"  :warning: same card as `{escape(entry.duplicate_of)}`: likely a duplicate"
    return line


def failure_text(error: WalletError) -> str:
    parts = [f":x: {escape(error.what)}"]
    if error.changed:
        parts.append("*Changed:* " + escape(" ".join(error.changed)))
    if error.unchanged:
        parts.append("*Not changed:* " + escape(" ".join(error.unchanged)))
    parts.append("*Next:* " + escape(error.next_step))
    return "\n".join(parts)


def failure_blocks(error: WalletError) -> list[Block]:
    return [section(failure_text(error))]


REASON_BLOCK, REASON_ACTION = "reason", "why"


def reason_input(required: bool) -> InputBlock:
    """The modals' "Reason" field: it goes into the audit log, Commerce Layer's record and the audit channel."""
    return InputBlock(
        block_id=REASON_BLOCK,
        label="Reason",
        optional=not required,
        hint="Why this change: it is recorded with your name in the audit trail and in Commerce Layer.",
        element=PlainTextInputElement(
            action_id=REASON_ACTION, placeholder="e.g. customer asked by phone", max_length=MAX_REASON_LENGTH
        ),
    )


def reason_note(actor: Actor) -> str:
    """The end of an audit channel line: the reason given, if any."""
    return f" — reason: “{escape(actor.reason)}”" if actor.reason else ""
