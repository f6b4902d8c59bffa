"""Safe reads from Slack payloads: a missing or mistyped field reads as None, never as a crash."""

from __future__ import annotations


def dig(payload: object, *path: str) -> str | None:
    """The string at `path` in nested dicts, or None."""
    node = payload
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node if isinstance(node, str) else None


def actor_ids(body: object) -> tuple[str, str]:
    """(user id, team id) of whoever sent the interaction."""
    user_id = dig(body, "user", "id") or ""
    team_id = dig(body, "team", "id") or dig(body, "user", "team_id") or ""
    return user_id, team_id


def input_value(view: object, block_id: str, action_id: str) -> str:
    """What the user typed in a modal input, or "" (Slack omits empty inputs)."""
    return dig(view, "state", "values", block_id, action_id, "value") or ""


def first_action_value(body: object) -> str | None:
    actions = body.get("actions") if isinstance(body, dict) else None
    return dig(actions[0], "value") if isinstance(actions, list) and actions else None
