"""Block Kit for `/wallet use`: the modal with its card picker, the Confirm message, the results."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ConfirmObject,
    DividerBlock,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.wallet import UsePreview, UseResult, WalletEntry
from commands.plumbing.blocks import (
    context,
    escape,
    failure_blocks,
    header,
    mode_note,
    mrkdwn,
    order_fields,
    payment_source_text,
    reason_input,
    section,
    wallet_lines,
)
from commands.plumbing.confirm import confirm_actions
from commands.plumbing.modal import FormMeta, modal, text_view

TITLE = "Use a saved card"
USE_FORM = "wallet_use_form"
STATUS_VIEW = "wallet_use_status"
CARD_BLOCK, CARD_ACTION = "saved_card", "pick"
CONFIRM_ACTION = "wallet_use_confirm"
STATIC_SELECT_LIMIT = 100  # Slack's most options in a static select; a larger wallet gets an external one
OPTION_TEXT_LIMIT = 75


def status_view(text: str, meta: FormMeta) -> View:
    return text_view(TITLE, text, meta, STATUS_VIEW)


def blocks_view(blocks: list[Block], meta: FormMeta) -> View:
    """A last step: the use's result, or its failure."""
    return modal(TITLE, blocks, meta, callback_id=STATUS_VIEW)


def card_option(entry: WalletEntry) -> Option:
    """A saved card in a picker: its label, when it was added, and a flag when it may be a duplicate."""
    added = (entry.created_at or "")[:10]
    text = entry.card.label + (f" · added {added}" if added else "")
    if entry.duplicate_of:  # the same label twice: its id tells them apart
        text += f" · {entry.id} · duplicate?"
    return Option(text=text[:OPTION_TEXT_LIMIT], value=entry.id)


def _picker(wallet: Sequence[WalletEntry]) -> InputBlock:
    usable = [entry for entry in wallet if entry.is_stripe]
    if len(usable) <= STATIC_SELECT_LIMIT:
        element: StaticSelectElement | ExternalDataSelectElement = StaticSelectElement(
            action_id=CARD_ACTION, placeholder="Pick a card", options=[card_option(entry) for entry in usable]
        )
    else:
        element = ExternalDataSelectElement(
            action_id=CARD_ACTION, placeholder="Type its last 4 digits or its brand", min_query_length=1
        )
    hint = f"The customer's {len(usable)} saved Stripe cards, newest last. It becomes the order's payment source."
    return InputBlock(block_id=CARD_BLOCK, label="Saved card", hint=hint, element=element)


def use_form(preview: UsePreview, meta: FormMeta, *, require_reason: bool = False) -> View:
    """The order and, unless no saved card can be used on it, the card picker and the reason."""
    order = preview.order
    blocks: list[Block] = [order_fields(order), *_method_note(preview)]
    if preview.blocker is not None:
        blocks += [DividerBlock(), *failure_blocks(preview.blocker), *wallet_lines(preview.wallet, title="Wallet")]
        return modal(TITLE, [*blocks, mode_note(preview.mode)], meta, callback_id=STATUS_VIEW)
    blocks += [_picker(preview.wallet), reason_input(require_reason), mode_note(preview.mode)]
    customer = order.customer.id if order.customer else None
    form_meta = FormMeta(meta.channel, meta.response_url, order.id, customer)
    return modal(TITLE, blocks, form_meta, callback_id=USE_FORM, submit="Use card")


def _method_note(preview: UsePreview) -> list[Block]:
    if preview.payment_method_to_set is None:
        return []
    name = preview.payment_method_to_set.name or "Stripe"
    return [
        context(f"The order has no payment method: the use sets it to *{escape(name)}*, its only Stripe one, first.")
    ]


def confirm_blocks(preview: UsePreview, sealed: str) -> list[Block]:
    """The ephemeral preview of `/wallet use <order> <card>`, with Confirm and Cancel."""
    order = preview.order
    customer = order.customer.email if order.customer and order.customer.email else "the customer"
    card = preview.card
    blocks: list[Block] = [order_fields(order)]
    if preview.blocker is not None or card is None:
        refusal = failure_blocks(preview.blocker) if preview.blocker else []
        return [*blocks, *refusal, *wallet_lines(preview.wallet, title="Wallet"), mode_note(preview.mode)]
    label = escape(card.card.label)
    if preview.already:
        note = f"Order #{escape(order.number)} already uses *{label}*: there is nothing to change."
        return [section(note), *blocks, mode_note(preview.mode)]
    blocks = [
        section(f"Use *{label}* on order *#{escape(order.number)}* of *{escape(customer)}*?"),
        *blocks,
        section(f"*Payment source after*\nStripe payment · {label}, from saved card `{escape(card.id)}`"),
        *_method_note(preview),
    ]
    if card.duplicate_of:
        blocks.append(
            context(f":warning: The wallet holds this card twice (also `{escape(card.duplicate_of)}`): either will do.")
        )
    confirm = ConfirmObject(
        title="Use this card?",
        text=f"Charge order #{escape(order.number)} on {label}, saved in {escape(customer)}'s wallet?"[:300],
        confirm="Use card",
        deny="Back",
    )
    return [*blocks, *confirm_actions("wallet_use_confirm", CONFIRM_ACTION, sealed, confirm), mode_note(preview.mode)]


def confirm_text(preview: UsePreview) -> str:
    """The preview's notification text: its question, or why there is none."""
    if preview.blocker is not None or preview.card is None:
        return preview.blocker.message if preview.blocker else f"Order #{preview.order.number}"
    if preview.already:
        return f"Order #{preview.order.number} already uses {preview.card.card.label}."
    return f"Use {preview.card.card.label} on order #{preview.order.number}?"


def result_blocks(result: UseResult) -> list[Block]:
    order = result.order
    customer = order.customer.email if order.customer and order.customer.email else "the customer"
    label = escape(result.card.card.label)
    if result.already:
        title, text = (
            "Card already in use",
            f"Order #{escape(order.number)} already used *{label}*: nothing was changed.",
        )
    else:
        title = "Saved card set on the order"
        text = f":white_check_mark: Order #{escape(order.number)} of *{escape(customer)}* will be charged on *{label}*."
    before = escape(result.previous.label) if result.previous else "none"
    change = [
        mrkdwn(f"*Payment source before*\n{before}"),
        mrkdwn(f"*Now, as Commerce Layer has it*\n{payment_source_text(order)}"),
    ]
    blocks: list[Block] = [header(title), section(text), SectionBlock(fields=change)]
    notes = []
    if result.payment_method_set is not None:
        notes.append(
            f"The order's payment method was set to {escape(result.payment_method_set.name or 'Stripe')} first."
        )
    if not result.already and not result.recorded:
        notes.append("Commerce Layer's record of this change could not be tagged: /wallet history won't list it.")
    if notes:
        blocks.append(context(" ".join(notes)))
    return [*blocks, mode_note(result.mode)]


def result_text(result: UseResult) -> str:
    if result.already:
        return f"Order #{result.order.number} already used {result.card.card.label}."
    return f"Order #{result.order.number} will be charged on {result.card.card.label}."
