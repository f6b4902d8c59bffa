"""Block Kit for the save flow: the modal's steps, the Confirm message, the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from slack_sdk.models.blocks import (
    Block,
    ConfirmObject,
    DividerBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.wallet import OrderRef, PaymentMethodId, Preview, SaveResult, WalletError, mask_payment_method
from commands.plumbing.blocks import (
    context,
    escape,
    failure_blocks,
    header,
    mode_note,
    order_fields,
    reason_input,
    section,
    wallet_lines,
)
from commands.plumbing.confirm import confirm_actions
from commands.plumbing.modal import FormMeta, modal, text_view

TITLE = "Save card to wallet"
ORDER_FORM = "wallet_order_form"
SAVE_FORM = "wallet_save_form"
STATUS_VIEW = "wallet_status"
CARD_BLOCK, CARD_ACTION = "card", "pm"
ORDER_BLOCK, ORDER_ACTION = "order", "ref"
# The pickers of the message shortcut, in the same blocks as the typed inputs they replace.
CARD_PICK, ORDER_PICK = "pm_pick", "ref_pick"
CONFIRM_ACTION = "wallet_confirm"


def _modal(blocks: list[Block], meta: FormMeta, *, callback_id: str = STATUS_VIEW, submit: str | None = None) -> View:
    return modal(TITLE, blocks, meta, callback_id=callback_id, submit=submit)


def status_view(text: str, meta: FormMeta) -> View:
    """A step that waits: looking the order up, saving, or a refusal with nothing to submit."""
    return text_view(TITLE, text, meta, STATUS_VIEW)


def order_form(
    channel_id: str | None = None,
    *,
    problem: str | None = None,
    meta: FormMeta | None = None,
    choices: Sequence[OrderRef] = (),
    notes: Sequence[str] = (),
) -> View:
    """The first step of the shortcuts and of the help button: which order, typed or, when a
    message mentions several, picked among them."""
    blocks: list[Block] = []
    if problem:
        blocks.append(section(f":warning: {escape(problem)}"))
    blocks += found_notes(notes)
    blocks.append(_order_picker(choices) if choices else _order_input())
    return _modal(blocks, meta or FormMeta(channel=channel_id), callback_id=ORDER_FORM, submit="Next")


def _order_input() -> InputBlock:
    return InputBlock(
        block_id=ORDER_BLOCK,
        label="Order",
        hint="Its number (1001 or #1001) or its Commerce Layer id. You'll see the order before anything changes.",
        element=PlainTextInputElement(action_id=ORDER_ACTION, placeholder="1001", max_length=64),
    )


def _order_picker(choices: Sequence[OrderRef]) -> InputBlock:
    options = [Option(text=f"Order {ref}", value=str(ref)) for ref in choices]
    return InputBlock(
        block_id=ORDER_BLOCK,
        label="Order",
        hint="The orders the message mentions. You'll see the order before anything changes.",
        element=StaticSelectElement(action_id=ORDER_PICK, placeholder="Pick an order", options=options),
    )


def found_notes(notes: Sequence[str]) -> list[Block]:
    """What a message shortcut found in the message but won't use, and why."""
    if not notes:
        return []
    return [context("\n".join(f":warning: {escape(note)}" for note in notes))]


def save_form(
    preview: Preview,
    meta: FormMeta,
    *,
    require_reason: bool = False,
    cards: Sequence[PaymentMethodId] = (),
    notes: Sequence[str] = (),
) -> View:
    """The order preview and, unless the order can't take a save, the card and reason inputs.

    `cards` are the ids a message mentions: one fills the input in, several are picked among.
    """
    blocks: list[Block] = [*_preview_blocks(preview), *found_notes(notes)]
    if preview.blocker is not None:
        return _modal([*blocks, DividerBlock(), *failure_blocks(preview.blocker)], meta)
    blocks += [_card_picker(cards) if len(cards) > 1 else _card_input(cards), reason_input(require_reason)]
    return _modal(blocks, replace(meta, order=preview.order.id), callback_id=SAVE_FORM, submit="Save card")


def _card_input(cards: Sequence[PaymentMethodId]) -> InputBlock:
    return InputBlock(
        block_id=CARD_BLOCK,
        label="Stripe PaymentMethod id",
        hint="Copy it from the customer's payment in the Stripe dashboard. It starts with pm_.",
        element=PlainTextInputElement(
            action_id=CARD_ACTION, placeholder="pm_…", max_length=255, initial_value=cards[0] if cards else None
        ),
    )


def _card_picker(cards: Sequence[PaymentMethodId]) -> InputBlock:
    # The value is the id's place in the form's sealed metadata: a full id is never shown nor sent to Slack.
    options = [
        Option(text=f"{mask_payment_method(pm_id)} · id {number} of {len(cards)} in the message", value=str(number))
        for number, pm_id in enumerate(cards, start=1)
    ]
    return InputBlock(
        block_id=CARD_BLOCK,
        label="Stripe PaymentMethod id",
        hint="The pm_ ids the message mentions, shortened. The one picked is saved.",
        element=StaticSelectElement(action_id=CARD_PICK, placeholder="Pick an id", options=options),
    )


def result_view(result: SaveResult, meta: FormMeta) -> View:
    return _modal(result_blocks(result), meta)


def failure_view(error: WalletError, meta: FormMeta) -> View:
    return _modal(failure_blocks(error), meta)


def _preview_blocks(preview: Preview) -> list[Block]:
    blocks: list[Block] = [order_fields(preview.order)]
    if preview.payment_method_to_set is not None:
        name = preview.payment_method_to_set.name or "Stripe"
        blocks.append(
            context(f"The order has no payment method: saving sets it to *{escape(name)}*, its only Stripe one.")
        )
    blocks += wallet_lines(preview.wallet, title="Current wallet")
    blocks.append(mode_note(preview.mode))
    return blocks


def _already_saved(preview: Preview) -> list[Block]:
    held = preview.already_saved
    if held is None or preview.blocker is not None:
        return []
    return [
        context(
            f":information_source: The wallet already holds this card: *{escape(held.card.label)}* "
            f"(`{escape(held.id)}`). Confirming adds nothing; it only makes sure the card is there."
        )
    ]


def confirm_blocks(preview: Preview, card: str, sealed: str) -> list[Block]:
    """The ephemeral preview of `/wallet save <order> <pm_…>`, with Confirm and Cancel."""
    order = preview.order
    customer = order.customer.email if order.customer and order.customer.email else "the customer"
    blocks: list[Block] = [
        section(f"Save card *{escape(card)}* to the wallet of *{escape(customer)}*?"),
        *_already_saved(preview),
        *_preview_blocks(preview),
    ]
    if preview.blocker is not None:
        return [*blocks, *failure_blocks(preview.blocker)]
    confirm = ConfirmObject(
        title="Save this card?",
        text=f"Save {escape(card)} to {escape(customer)}'s wallet through order #{escape(order.number)}?"[:300],
        confirm="Save card",
        deny="Back",
    )
    return [*blocks, *confirm_actions("wallet_confirm", CONFIRM_ACTION, sealed, confirm)]


def result_blocks(result: SaveResult) -> list[Block]:
    order = result.order
    customer = order.customer.email if order.customer and order.customer.email else "the customer"
    if result.already_in_wallet:
        title = "Card already in the wallet"
        text = f"Card *{escape(result.card.label)}* was already in *{escape(customer)}*'s wallet: nothing was added."
    else:
        title = "Card saved to the wallet"
        text = f":white_check_mark: Card *{escape(result.card.label)}* is now in *{escape(customer)}*'s wallet (order #{escape(order.number)})."
    notes = []
    if result.payment_method_set is not None:
        notes.append(f"The order's payment method was set to {escape(result.payment_method_set.name or 'Stripe')}.")
    if not result.created_source:
        notes.append("An earlier attempt's Stripe payment source was reused, so none was created twice.")
    blocks: list[Block] = [header(title), section(text)]
    if notes:
        blocks.append(context(" ".join(notes)))
    return [*blocks, *wallet_lines(result.wallet, title="Wallet"), mode_note(result.mode)]


def result_text(result: SaveResult) -> str:
    if result.already_in_wallet:
        return f"Card {result.card.label} was already in the wallet (order #{result.order.number})."
    return f"Card {result.card.label} saved to the wallet (order #{result.order.number})."
