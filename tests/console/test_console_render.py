"""Golden tests: Block Kit as terminal text."""

from __future__ import annotations

from typing import Any

import pytest

from bot.console.render import (
    input_fields,
    layout_message,
    layout_view,
    mrkdwn_to_text,
    render_confirm,
    render_message,
    render_view,
)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


CONFIRM = {
    "title": plain("Are you sure?"),
    "text": plain("Save the card?"),
    "confirm": plain("Save"),
    "deny": plain("Back"),
}
PREVIEW: list[dict[str, Any]] = [
    {"type": "header", "text": plain("Order #1001")},
    {
        "type": "section",
        "text": mrkdwn("*Customer* <mailto:ada@example.com|ada@example.com> asked by <@U0CONSOLE>"),
        "fields": [mrkdwn("*Status*\nplaced"), mrkdwn("*Total*\n€10.00")],
    },
    {"type": "divider"},
    {
        "type": "context",
        "elements": [mrkdwn("Card pm_…T9Js"), {"type": "image", "image_url": "https://x/y.png", "alt_text": "visa"}],
    },
    {
        "type": "actions",
        "block_id": "decide",
        "elements": [
            {"type": "button", "action_id": "confirm", "text": plain("Confirm"), "value": "1001", "confirm": CONFIRM},
            {"type": "button", "action_id": "cancel", "text": plain("Cancel")},
        ],
    },
]


def test_message_with_blocks() -> None:
    assert render_message("fallback", PREVIEW) == (
        "Order #1001\n"
        "===========\n"
        "*Customer* ada@example.com asked by @U0CONSOLE\n"
        "  *Status* placed\n"
        "  *Total* €10.00\n"
        "----------------------------------------\n"
        "  Card pm_…T9Js | [image: visa]\n"
        "[1] Confirm  [2] Cancel"
    )


def test_message_buttons_are_numbered_from_the_given_number() -> None:
    rendered = layout_message(None, PREVIEW, first_number=3)

    assert rendered.text.endswith("[3] Confirm  [4] Cancel")
    confirm, cancel = rendered.choices
    assert (confirm.number, confirm.action_id, confirm.block_id, confirm.element["value"]) == (
        3,
        "confirm",
        "decide",
        "1001",
    )
    assert confirm.confirm == CONFIRM
    assert cancel.confirm is None


def test_message_without_blocks_shows_its_text() -> None:
    assert render_message("Saved &lt;pm_…T9Js&gt; for <#C0OPS|ops> &amp; <!here>", None) == (
        "Saved <pm_…T9Js> for #ops & @here"
    )


@pytest.mark.parametrize(
    ("raw", "readable"),
    [
        ("<@U123>", "@U123"),
        ("<@U123|ada>", "@ada"),
        ("<#C123>", "#C123"),
        ("<!subteam^S0OPS|@ops>", "@ops"),
        ("<!subteam^S0OPS>", "@S0OPS"),
        ("<!channel>", "@channel"),
        ("<https://example.com|the docs>", "the docs (https://example.com)"),
        ("<https://example.com>", "https://example.com"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("*bold* _it_ `code`", "*bold* _it_ `code`"),
        ("a < b", "a < b"),
    ],
)
def test_mrkdwn_is_left_readable(raw: str, readable: str) -> None:
    assert mrkdwn_to_text(raw) == readable


FORM = {
    "type": "modal",
    "title": plain("Save card"),
    "submit": plain("Save"),
    "close": plain("Back"),
    "blocks": [
        {
            "type": "section",
            "text": mrkdwn("Order *#1001*"),
            "accessory": {"type": "button", "action_id": "look", "text": plain("Look up")},
        },
        {
            "type": "input",
            "block_id": "card",
            "label": plain("Card id"),
            "hint": plain("From the Stripe dashboard"),
            "element": {
                "type": "plain_text_input",
                "action_id": "card_input",
                "placeholder": plain("pm_…"),
                "max_length": 255,
            },
        },
        {
            "type": "input",
            "block_id": "note",
            "optional": True,
            "label": plain("Note"),
            "element": {"type": "plain_text_input", "action_id": "note_input", "initial_value": "by phone"},
        },
        {
            "type": "input",
            "block_id": "kind",
            "label": plain("Kind"),
            "element": {
                "type": "static_select",
                "action_id": "kind_select",
                "options": [{"text": plain("Visa"), "value": "visa"}, {"text": plain("Amex"), "value": "amex"}],
                "initial_option": {"text": plain("Amex"), "value": "amex"},
            },
        },
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [{"type": "text", "text": "See "}, {"type": "user", "user_id": "U1"}],
                },
                {
                    "type": "rich_text_list",
                    "style": "bullet",
                    "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}],
                },
            ],
        },
    ],
}


def test_view_with_inputs() -> None:
    assert render_view(FORM) == (
        "+-- Save card --\n"
        "| Order *#1001*\n"
        "|   [1] Look up\n"
        "| Card id (input) [pm_…]\n"
        "|   From the Stripe dashboard\n"
        "| Note (input, optional) = by phone\n"
        "| Kind (input)\n"
        "|   choices: Visa / Amex\n"
        "| See @U1\n"
        "| - one\n"
        "+-- [Save] [Back] --"
    )
    assert [choice.action_id for choice in layout_view(FORM).choices] == ["look"]


def test_view_without_submit_has_only_its_close_button() -> None:
    view = {
        "type": "modal",
        "title": plain("Saved"),
        "blocks": [{"type": "divider"}, {"type": "video", "title": plain("x")}],
    }

    assert (
        render_view(view)
        == "+-- Saved --\n| ----------------------------------------\n| [video block]\n+-- [Cancel] --"
    )


def test_input_fields_describe_what_to_prompt_for() -> None:
    card, note, kind = input_fields(FORM)

    assert (card.block_id, card.action_id, card.label, card.optional, card.max_length) == (
        "card",
        "card_input",
        "Card id",
        False,
        255,
    )
    assert (note.optional, note.initial) == (True, "by phone")
    assert (kind.element_type, kind.initial, len(kind.options)) == ("static_select", "Amex", 2)


def test_confirm_dialog() -> None:
    assert render_confirm(CONFIRM) == "Are you sure?\nSave the card?\n[y] Save  [N] Back"
    assert render_confirm({"text": plain("Really?")}) == "Are you sure?\nReally?\n[y] Yes  [N] Cancel"
