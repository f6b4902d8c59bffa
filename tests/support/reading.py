"""Reading what the app sent to Slack, as a user would see it."""

from __future__ import annotations

import json
from typing import Any


def texts(blocks: list[dict[str, Any]] | None) -> str:
    """All the text of some blocks, flattened: what the user reads."""
    return json.dumps(blocks or [], ensure_ascii=False)


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no button {action_id} in the message")


def input_blocks(view: dict[str, Any]) -> list[str]:
    return [block["block_id"] for block in view.get("blocks", []) if block.get("type") == "input"]
