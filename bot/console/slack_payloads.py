"""What Slack sends to an app: slash command forms and interaction payloads, signed as Slack signs
them. Used by the test harness and the benchmark to play Slack over HTTP."""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier

JSON = dict[str, Any]
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Who:
    """The user, workspace and channel a request comes from."""

    user_id: str
    team_id: str
    channel_id: str
    user_name: str = "operator"
    team_domain: str = "console"
    channel_name: str = "console"
    api_app_id: str = "A0CONSOLE"

    def user(self) -> JSON:
        return {"id": self.user_id, "username": self.user_name, "team_id": self.team_id}

    def team(self) -> JSON:
        return {"id": self.team_id, "domain": self.team_domain}


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Content type and Slack's signature headers for `body`."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def slash_command(who: Who, text: str, *, response_url: str, trigger_id: str, command: str = "/wallet") -> str:
    return urllib.parse.urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": who.team_id,
            "team_domain": who.team_domain,
            "channel_id": who.channel_id,
            "channel_name": who.channel_name,
            "user_id": who.user_id,
            "user_name": who.user_name,
            "command": command,
            "text": text,
            "api_app_id": who.api_app_id,
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction(payload: JSON) -> str:
    """An interaction's body: the payload as JSON in a `payload` form field."""
    return "payload=" + urllib.parse.quote(json.dumps(payload))


def button_press(who: Who, action_id: str, value: str, *, trigger_id: str, response_url: str | None) -> JSON:
    """A `block_actions` payload for a button on an ephemeral message."""
    return {
        "type": "block_actions",
        "user": who.user(),
        "team": who.team(),
        "api_app_id": who.api_app_id,
        "channel": {"id": who.channel_id, "name": who.channel_name},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": who.channel_id, "is_ephemeral": True},
        "trigger_id": trigger_id,
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.2"}],
    }


def view_submission(who: Who, view: JSON, values: dict[str, dict[str, str]], *, trigger_id: str) -> JSON:
    """A `view_submission` of `view` with plain text inputs: {block_id: {action_id: value}}."""
    state = {
        block: {action: {"type": "plain_text_input", "value": value} for action, value in actions.items()}
        for block, actions in values.items()
    }
    return {
        "type": "view_submission",
        "user": who.user(),
        "team": who.team(),
        "api_app_id": who.api_app_id,
        "trigger_id": trigger_id,
        "view": {**view, "state": {"values": state}},
    }


def global_shortcut(who: Who, callback_id: str, *, trigger_id: str) -> JSON:
    return {
        "type": "shortcut",
        "callback_id": callback_id,
        "user": who.user(),
        "team": who.team(),
        "api_app_id": who.api_app_id,
        "trigger_id": trigger_id,
        "action_ts": "1.1",
    }
