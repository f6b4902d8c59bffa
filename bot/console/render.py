"""Block Kit messages and modal views as plain terminal text.

Pure functions. Interactive elements (buttons) are numbered so that a console user can press one
by typing its number; `layout_message` / `layout_view` return those numbers with the text.
Input blocks are described as data (`input_fields`) so the driver can prompt for them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Obj = Mapping[str, Any]

DIVIDER = "-" * 40
_MRKDWN_TOKEN = re.compile(r"<([^<>\s][^<>]*)>")


@dataclass(frozen=True)
class Choice:
    """A button the user can press by number."""

    number: int
    label: str
    action_id: str
    block_id: str | None
    element: Obj

    @property
    def confirm(self) -> Obj | None:
        confirm = self.element.get("confirm")
        return confirm if isinstance(confirm, Mapping) else None


@dataclass(frozen=True)
class Rendered:
    text: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class InputField:
    """One input block of a modal, as the console prompts for it."""

    block_id: str
    action_id: str
    label: str
    element_type: str
    optional: bool = False
    initial: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    options: tuple[Obj, ...] = ()


# ----- text objects


def mrkdwn_to_text(text: str) -> str:
    """Slack's escapes and <…> tokens made readable; *bold* and _italic_ marks are kept as typed."""
    return html.unescape(_MRKDWN_TOKEN.sub(lambda match: _token(match.group(1)), text))


def _token(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label or "@" + target.removeprefix("!subteam^")
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return "@" + target[1:]
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def text_of(obj: Any) -> str:
    """A text object (plain_text or mrkdwn) or a bare string, as readable text."""
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, Mapping):
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn_to_text(raw) if obj.get("type") == "mrkdwn" else raw


# ----- layout


@dataclass
class _Layout:
    """Accumulates lines and numbered buttons while walking blocks."""

    next_number: int
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    def button(self, element: Obj, block_id: str | None) -> str:
        label = text_of(element.get("text"))
        choice = Choice(self.next_number, label, str(element.get("action_id", "")), block_id, element)
        self.choices.append(choice)
        self.next_number += 1
        return f"[{choice.number}] {label}"

    def element(self, element: Obj, block_id: str | None) -> str:
        kind = element.get("type")
        if kind == "button":
            return self.button(element, block_id)
        if kind == "image":
            return f"[image: {element.get('alt_text', '')}]"
        if kind in ("plain_text", "mrkdwn"):
            return text_of(element)
        placeholder = text_of(element.get("placeholder"))
        return f"[{kind}: {placeholder}]" if placeholder else f"[{kind}]"

    def add(self, text: str) -> None:
        self.lines.extend(text.split("\n"))

    def result(self) -> Rendered:
        return Rendered("\n".join(self.lines), tuple(self.choices))


def _add_block(layout: _Layout, block: Obj) -> None:
    kind = block.get("type")
    block_id = block.get("block_id")
    renderer = _BLOCK_RENDERERS.get(str(kind))
    if renderer is None:
        layout.add(f"[{kind} block]")
    else:
        renderer(layout, block, block_id)


def _header(layout: _Layout, block: Obj, block_id: str | None) -> None:
    title = text_of(block.get("text"))
    layout.add(title)
    layout.add("=" * len(title))


def _section(layout: _Layout, block: Obj, block_id: str | None) -> None:
    if block.get("text"):
        layout.add(text_of(block["text"]))
    for item in block.get("fields") or []:
        # A field is a small two-column cell; one line each reads better in a terminal.
        layout.add("  " + " ".join(text_of(item).split("\n")))
    accessory = block.get("accessory")
    if isinstance(accessory, Mapping):
        layout.add("  " + layout.element(accessory, block_id))


def _context(layout: _Layout, block: Obj, block_id: str | None) -> None:
    parts = [layout.element(item, block_id) for item in block.get("elements") or []]
    layout.add("  " + " | ".join(parts))


def _divider(layout: _Layout, block: Obj, block_id: str | None) -> None:
    layout.add(DIVIDER)


def _actions(layout: _Layout, block: Obj, block_id: str | None) -> None:
    layout.add("  ".join(layout.element(item, block_id) for item in block.get("elements") or []))


def _input(layout: _Layout, block: Obj, block_id: str | None) -> None:
    element = block.get("element") or {}
    notes = "input, optional" if block.get("optional") else "input"
    line = f"{text_of(block.get('label'))} ({notes})"
    initial = element.get("initial_value")
    placeholder = text_of(element.get("placeholder"))
    if initial:
        line += f" = {initial}"
    elif placeholder:
        line += f" [{placeholder}]"
    layout.add(line)
    options = [text_of(option.get("text")) for option in element.get("options") or []]
    if options:
        layout.add("  choices: " + " / ".join(options))
    if block.get("hint"):
        layout.add("  " + text_of(block["hint"]))


def _image(layout: _Layout, block: Obj, block_id: str | None) -> None:
    layout.add(f"[image: {block.get('alt_text', '')}]")


def _markdown(layout: _Layout, block: Obj, block_id: str | None) -> None:
    layout.add(str(block.get("text", "")))


def _rich_text(layout: _Layout, block: Obj, block_id: str | None) -> None:
    for element in block.get("elements") or []:
        layout.add(_rich_element(element))


def _rich_element(element: Obj) -> str:
    kind = element.get("type")
    if kind == "rich_text_list":
        return "\n".join("- " + _rich_element(item) for item in element.get("elements") or [])
    inner = "".join(_rich_leaf(leaf) for leaf in element.get("elements") or [])
    if kind == "rich_text_quote":
        return "\n".join("> " + line for line in inner.split("\n"))
    return inner


def _rich_leaf(leaf: Obj) -> str:
    kind = leaf.get("type")
    if kind == "user":
        return f"@{leaf.get('user_id', '')}"
    if kind == "channel":
        return f"#{leaf.get('channel_id', '')}"
    if kind == "link":
        return str(leaf.get("text") or leaf.get("url", ""))
    if kind == "emoji":
        return f":{leaf.get('name', '')}:"
    return str(leaf.get("text", ""))


_BLOCK_RENDERERS = {
    "header": _header,
    "section": _section,
    "context": _context,
    "divider": _divider,
    "actions": _actions,
    "input": _input,
    "image": _image,
    "markdown": _markdown,
    "rich_text": _rich_text,
}


# ----- public API


def layout_message(text: str | None, blocks: Sequence[Obj] | None, first_number: int = 1) -> Rendered:
    """A message's text and numbered buttons. Slack shows the blocks; `text` is their fallback."""
    layout = _Layout(first_number)
    if blocks:
        for block in blocks:
            _add_block(layout, block)
    else:
        layout.add(mrkdwn_to_text(text or ""))
    return layout.result()


def render_message(text: str | None, blocks: Sequence[Obj] | None) -> str:
    return layout_message(text, blocks).text


def layout_view(view: Obj, first_number: int = 1) -> Rendered:
    """A modal framed by its title and its Submit / Close buttons (a Home tab by "Home"), with numbered buttons."""
    layout = _Layout(first_number)
    for block in view.get("blocks") or []:
        _add_block(layout, block)
    if view.get("type") == "home":  # the app's Home tab: no title, nothing to submit or close
        return Rendered(
            "\n".join(["+-- Home --", *(f"| {line}".rstrip() for line in layout.lines), "+--"]), tuple(layout.choices)
        )
    footer = [f"[{text_of(view['submit'])}]"] if view.get("submit") else []
    footer.append(f"[{text_of(view.get('close')) or 'Cancel'}]")
    framed = [f"+-- {text_of(view.get('title'))} --"]
    framed += [f"| {line}".rstrip() for line in layout.lines]
    framed.append(f"+-- {' '.join(footer)} --")
    return Rendered("\n".join(framed), tuple(layout.choices))


def render_view(view: Obj) -> str:
    return layout_view(view).text


def render_confirm(confirm: Obj) -> str:
    """Slack's confirm dialog: title, question, and which answer does what."""
    title = text_of(confirm.get("title")) or "Are you sure?"
    question = text_of(confirm.get("text"))
    yes = text_of(confirm.get("confirm")) or "Yes"
    no = text_of(confirm.get("deny")) or "Cancel"
    return f"{title}\n{question}\n[y] {yes}  [N] {no}"


def input_fields(view: Obj) -> list[InputField]:
    """The input blocks of a view, in order, with what the console needs to prompt for them."""
    fields: list[InputField] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or not isinstance(block.get("element"), Mapping):
            continue
        element = block["element"]
        initial = element.get("initial_value") or _initial_option_value(element)
        fields.append(
            InputField(
                block_id=str(block.get("block_id", "")),
                action_id=str(element.get("action_id", "")),
                label=text_of(block.get("label")),
                element_type=str(element.get("type", "")),
                optional=bool(block.get("optional", False)),
                initial=initial,
                min_length=element.get("min_length"),
                max_length=element.get("max_length"),
                options=tuple(element.get("options") or ()),
            )
        )
    return fields


def _initial_option_value(element: Obj) -> str | None:
    option = element.get("initial_option")
    return text_of(option.get("text")) if isinstance(option, Mapping) else None
