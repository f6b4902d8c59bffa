"""Block Kit as Slack checks it: what it refuses in a view or a message, and the ids it fills in."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.standin.errors import SlackApiFailure
from bot.standin.payloads import JSON

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100  # a modal's, and a Home tab's
MAX_VIEW_BYTES = 250_000  # views.publish: view_too_large beyond
MAX_TEXT_CHARS = 40_000
# A select's option: slack_sdk's models check these only when they build the option themselves.
MAX_OPTION_TEXT, MAX_OPTION_VALUE = 75, 150
MAX_FILE_INPUT_FILES = 10
# The keys a caller may set on a view; the rest (id, hash, state...) belong to Slack.
VIEW_INPUT_KEYS = (
    "type",
    "title",
    "blocks",
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
    "submit_disabled",
)


def checked_message(args: Mapping[str, Any]) -> tuple[str, list[JSON]]:
    """Text and blocks of a message, refused as Slack does: no_text, msg_too_long, invalid_blocks."""
    text = args.get("text") or ""
    blocks = args.get("blocks") or []
    if not isinstance(text, str):
        raise SlackApiFailure("invalid_arguments", ["[ERROR] text must be a string [json-pointer:/text]"])
    if not text and not blocks:
        raise SlackApiFailure("no_text")
    if len(text) > MAX_TEXT_CHARS:
        raise SlackApiFailure("msg_too_long")
    problems = block_problems(blocks, MAX_MESSAGE_BLOCKS)
    if problems:
        raise SlackApiFailure("invalid_blocks", problems)
    return text, list(blocks)


def checked_view(view: Any, kind: str = "modal") -> JSON:
    """The caller's fields of a valid view of type `kind` ("modal", or "home" for views.publish);
    invalid_arguments with Slack's messages otherwise."""
    problems = view_problems(view, kind)
    if problems:
        raise SlackApiFailure("invalid_arguments", problems)
    assert isinstance(view, dict)
    return {key: view[key] for key in VIEW_INPUT_KEYS if key in view}


def view_problems(view: Any, kind: str = "modal") -> list[str]:
    """Slack's checks on a view of type `kind`, as `response_metadata.messages` lines; empty when valid."""
    if not isinstance(view, dict):
        return ["[ERROR] missing required field: view [json-pointer:/view]"]
    if view.get("type") != kind:
        return [f"[ERROR] must be '{kind}' [json-pointer:/view/type]"]
    fields = {key: view[key] for key in VIEW_INPUT_KEYS if key in view}
    problems: list[str] = []
    try:
        # validate_json checks the view's own limits (title, block count, metadata, callback_id).
        View(**fields).validate_json()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError) as error:
        problems.append(f"[ERROR] {error} [json-pointer:/view]")
    blocks = view.get("blocks") or []
    problems += block_problems(blocks, MAX_VIEW_BLOCKS, "/view/blocks")
    has_input = isinstance(blocks, list) and any(_is_input(block) for block in blocks)
    if has_input and not view.get("submit"):
        problems.append("[ERROR] must define `submit` to use input block [json-pointer:/view]")
    return problems


def block_problems(blocks: Any, limit: int, pointer: str = "/blocks") -> list[str]:
    """Each block parsed and validated by slack_sdk's models (which carry Slack's limits)."""
    if not isinstance(blocks, list):
        return [f"[ERROR] expected an array [json-pointer:{pointer}]"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
    for index, raw in enumerate(blocks):
        problem = _block_problem(raw)
        if problem:
            problems.append(f"[ERROR] {problem} [json-pointer:{pointer}/{index}]")
        problems += _option_problems(raw, f"{pointer}/{index}")
    return problems


def _block_problem(raw: Any) -> str | None:
    if not isinstance(raw, dict):
        return "expected an object"
    if (problem := _file_input_problem(raw.get("element"))) is not None:
        return problem
    try:
        block = Block.parse(raw)
        if block is None:
            return f"unsupported block type: {raw.get('type')!r}"
        block.to_dict()  # to_dict validates the block and everything nested in it
    except SlackObjectFormationError as error:
        return str(error)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        return f"invalid block: {error}"
    return None


def _option_problems(block: Any, pointer: str) -> list[str]:
    """Options whose text or value is longer than Slack takes, in Slack's words."""
    problems = []
    for path, element in _elements(block):
        options = element.get("options")
        for n, option in enumerate(options if isinstance(options, list) else []):
            if not isinstance(option, dict):
                continue
            at = f"{pointer}/{path}/options/{n}"
            text = option.get("text")
            problems += _too_long(
                text.get("text") if isinstance(text, dict) else None, MAX_OPTION_TEXT, f"{at}/text/text"
            )
            problems += _too_long(option.get("value"), MAX_OPTION_VALUE, f"{at}/value")
    return problems


def _elements(block: Any) -> list[tuple[str, JSON]]:
    """A block's interactive elements, each with its path in the block."""
    if not isinstance(block, dict):
        return []
    found = [(key, block.get(key)) for key in ("element", "accessory")]
    elements = block.get("elements")
    found += [(f"elements/{n}", element) for n, element in enumerate(elements if isinstance(elements, list) else [])]
    return [(path, element) for path, element in found if isinstance(element, dict)]


def _too_long(text: object, limit: int, pointer: str) -> list[str]:
    if isinstance(text, str) and len(text) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"]
    return []


def _file_input_problem(element: Any) -> str | None:
    """Slack's limits on a file_input, which slack_sdk's model does not check."""
    if not isinstance(element, dict) or element.get("type") != "file_input":
        return None
    max_files = element.get("max_files", MAX_FILE_INPUT_FILES)
    if not isinstance(max_files, int) or not 1 <= max_files <= MAX_FILE_INPUT_FILES:
        return f"max_files must be between 1 and {MAX_FILE_INPUT_FILES}"
    filetypes = element.get("filetypes", [])
    if not isinstance(filetypes, list) or not all(isinstance(kind, str) and kind for kind in filetypes):
        return "filetypes must be an array of file extensions"
    return None


def with_ids(blocks: Sequence[JSON]) -> list[JSON]:
    """Copies of the blocks with the block_id / action_id that Slack generates when they are left out."""
    stamped = []
    for block in blocks:
        copy = dict(block)
        copy.setdefault("block_id", secrets.token_urlsafe(4))
        if isinstance(copy.get("element"), dict):
            copy["element"] = _with_action_id(copy["element"])
        if isinstance(copy.get("accessory"), dict):
            copy["accessory"] = _with_action_id(copy["accessory"])
        if copy.get("type") == "actions" and isinstance(copy.get("elements"), list):
            copy["elements"] = [_with_action_id(item) for item in copy["elements"]]
        stamped.append(copy)
    return stamped


def _with_action_id(element: JSON) -> JSON:
    if element.get("type") in ("image", "plain_text", "mrkdwn"):
        return element
    return {"action_id": secrets.token_urlsafe(4), **element}


def _is_input(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "input"
