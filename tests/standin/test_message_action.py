"""A message shortcut as Slack sends it, and Slack's limits on the selects its modal offers."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from slack_bolt.request.payload_utils import is_message_shortcut, to_shortcut

from bot.standin.blockkit import view_problems
from bot.standin.payloads import Who, interaction, message_action, user_message

WHO = Who("U0ALLOWED", "T0CONSOLE", "C0CONSOLE", channel_name="ops")


def test_a_message_action_carries_the_message_and_where_it_is() -> None:
    message = user_message(WHO, "order #1001", ts="1700000000.000200", thread_ts="1700000000.000100")
    payload = message_action(WHO, "wallet_save_message", message, trigger_id="1.2.3", response_url="http://r/x")

    sent = json.loads(dict(urllib.parse.parse_qsl(interaction(payload)))["payload"])
    assert is_message_shortcut(sent) and to_shortcut(sent) == sent
    assert (sent["callback_id"], sent["trigger_id"], sent["response_url"]) == (
        "wallet_save_message",
        "1.2.3",
        "http://r/x",
    )
    assert sent["channel"] == {"id": "C0CONSOLE", "name": "ops"} and sent["message_ts"] == "1700000000.000200"
    assert sent["message"]["text"] == "order #1001" and sent["message"]["thread_ts"] == "1700000000.000100"
    section = sent["message"]["blocks"][0]["elements"][0]
    assert section["elements"] == [{"type": "text", "text": "order #1001"}]


def select_view(options: list[dict[str, Any]]) -> dict[str, Any]:
    picker = {"type": "static_select", "action_id": "pick", "options": options}
    block = {"type": "input", "block_id": "b", "label": {"type": "plain_text", "text": "Pick"}, "element": picker}
    return {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "submit": "Go", "blocks": [block]}


def option(text: str, value: str = "v") -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ([option(f"o{n}", str(n)) for n in range(101)], "cannot exceed 100 elements"),
        (
            [option("x" * 76)],
            "must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]",
        ),
        (
            [option("x", "v" * 151)],
            "must be less than 151 characters [json-pointer:/view/blocks/0/element/options/0/value]",
        ),
    ],
)
def test_a_static_select_over_slacks_limits_is_refused(options: list[dict[str, Any]], problem: str) -> None:
    problems = view_problems(select_view(options))
    assert any(problem in line for line in problems), problems


def test_a_static_select_within_slacks_limits_passes() -> None:
    assert view_problems(select_view([option("x" * 75, "v" * 150) for _ in range(100)])) == []
