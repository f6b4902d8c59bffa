"""What Slack sends an app: slash command forms and interaction payloads, signed as Slack signs them.

The one builder of Slack's requests: the console, the tests and the bench all play Slack with it.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier

JSON = dict[str, Any]
FORM = "application/x-www-form-urlencoded"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# An input's value as a test or the console types it: a plain text input's text, or its state entry as is.
InputValue = str | JSON


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
    verification_token: str = "legacy-verification-token"  # deprecated by Slack, still sent

    def user(self) -> JSON:
        return {"id": self.user_id, "username": self.user_name, "name": self.user_name, "team_id": self.team_id}

    def team(self) -> JSON:
        return {"id": self.team_id, "domain": self.team_domain}

    def channel(self) -> JSON:
        return {"id": self.channel_id, "name": self.channel_name}

    def sender(self) -> JSON:
        """What every interaction payload says about where it comes from."""
        return {
            "token": self.verification_token,
            "api_app_id": self.api_app_id,
            "team": self.team(),
            "user": self.user(),
            "enterprise": None,
            "is_enterprise_install": False,
        }


def signed_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Content type, user agent and Slack's signature headers for `body`."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "Content-Type": FORM,
        "User-Agent": USER_AGENT,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def slash_command(who: Who, text: str, *, response_url: str, trigger_id: str, command: str = "/wallet") -> str:
    """A slash command's form body."""
    return urllib.parse.urlencode(
        {
            "token": who.verification_token,
            "team_id": who.team_id,
            "team_domain": who.team_domain,
            "channel_id": who.channel_id,
            "channel_name": who.channel_name,
            "user_id": who.user_id,
            "user_name": who.user_name,
            "command": command,
            "text": text,
            "api_app_id": who.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interaction(payload: JSON) -> str:
    """An interaction's body: the payload as JSON in a `payload` form field."""
    return "payload=" + urllib.parse.quote(json.dumps(payload))


def action_ts() -> str:
    return f"{time.time():.6f}"


def pressed_button(element: Mapping[str, Any], block_id: str | None) -> JSON:
    """The `actions` entry Slack sends for a pressed button `element`."""
    action: JSON = {
        "type": "button",
        "action_id": str(element.get("action_id", "")),
        "block_id": block_id,
        "action_ts": action_ts(),
    }
    action.update({key: element[key] for key in ("text", "value", "style", "url") if key in element})
    return action


def block_actions(who: Who, action: JSON, *, trigger_id: str, container: JSON, **context: Any) -> JSON:
    """A `block_actions` payload: `action` taken in `container`.

    `context` is what Slack adds for that container: channel, message, state and response_url for
    a message; the view for a modal.
    """
    return {
        "type": "block_actions",
        "trigger_id": trigger_id,
        **who.sender(),
        "container": container,
        **context,
        "actions": [action],
    }


def button_press(who: Who, action_id: str, value: str, *, trigger_id: str, response_url: str | None) -> JSON:
    """A `block_actions` payload for a button on an ephemeral message in `who`'s channel."""
    return block_actions(
        who,
        pressed_button({"action_id": action_id, "value": value}, "b"),
        trigger_id=trigger_id,
        container=_message_container(who.channel_id, "1.1", ephemeral=True),
        channel=who.channel(),
        response_url=response_url,
    )


def press_on_message(
    who: Who, action: JSON, *, trigger_id: str, message: JSON, channel: JSON, ephemeral: bool, response_url: str
) -> JSON:
    """A `block_actions` payload for a button on `message` (as the Web API returns it) in `channel`."""
    return block_actions(
        who,
        action,
        trigger_id=trigger_id,
        container=_message_container(channel["id"], message["ts"], ephemeral=ephemeral),
        channel=channel,
        message=message,
        state={"values": {}},
        response_url=response_url,
    )


def press_in_view(who: Who, action: JSON, *, trigger_id: str, view: JSON) -> JSON:
    """A `block_actions` payload for a button in a modal `view` (with its state)."""
    return block_actions(
        who, action, trigger_id=trigger_id, container={"type": "view", "view_id": view["id"]}, view=view
    )


def _message_container(channel_id: str, message_ts: str, *, ephemeral: bool) -> JSON:
    return {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": ephemeral}


def view_state(values: Mapping[str, Mapping[str, InputValue]]) -> JSON:
    """A view's `state` from its inputs' values: {block_id: {action_id: value}}."""
    return {
        "values": {
            block: {action: _state_entry(value) for action, value in actions.items()}
            for block, actions in values.items()
        }
    }


def _state_entry(value: InputValue) -> JSON:
    return {"type": "plain_text_input", "value": value} if isinstance(value, str) else dict(value)


def file_input_value(files: list[JSON]) -> JSON:
    """A file_input's state entry: the files attached, each as Slack describes it (with `url_private_download`)."""
    return {"type": "file_input", "files": files}


def with_state(view: JSON, values: Mapping[str, Mapping[str, InputValue]]) -> JSON:
    """The view as the app receives it: with what the user entered."""
    return {**view, "state": view_state(values)}


def view_submission(who: Who, view: JSON, values: Mapping[str, Mapping[str, InputValue]], *, trigger_id: str) -> JSON:
    """A `view_submission` of `view` with its inputs' values: {block_id: {action_id: value}}."""
    return {
        "type": "view_submission",
        "trigger_id": trigger_id,
        **who.sender(),
        "view": with_state(view, values),
        "response_urls": [],
    }


def view_closed(who: Who, view: JSON, values: Mapping[str, Mapping[str, InputValue]]) -> JSON:
    """A `view_closed` of a modal whose `notify_on_close` is set: the user closed the whole modal."""
    return {"type": "view_closed", **who.sender(), "view": with_state(view, values), "is_cleared": True}


def global_shortcut(who: Who, callback_id: str, *, trigger_id: str) -> JSON:
    return {
        "type": "shortcut",
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "action_ts": action_ts(),
        **who.sender(),
    }


def user_message(
    who: Who, text: str, *, blocks: list[JSON] | None = None, ts: str | None = None, thread_ts: str | None = None
) -> JSON:
    """A message `who` posted, as a message shortcut carries it: its text, and by default the rich
    text block Slack's clients send along."""
    message: JSON = {
        "type": "message",
        "user": who.user_id,
        "team": who.team_id,
        "ts": ts or action_ts(),
        "text": text,
        "blocks": blocks if blocks is not None else [rich_text(text)],
    }
    if thread_ts is not None:
        message["thread_ts"] = thread_ts
    return message


def rich_text(text: str) -> JSON:
    """A rich text block of one plain run of `text`."""
    run = {"type": "text", "text": text}
    return {"type": "rich_text", "block_id": "rt", "elements": [{"type": "rich_text_section", "elements": [run]}]}


def message_action(who: Who, callback_id: str, message: JSON, *, trigger_id: str, response_url: str) -> JSON:
    """A message shortcut run on `message` in `who`'s channel (a thread's messages too)."""
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "action_ts": action_ts(),
        **who.sender(),
        "channel": who.channel(),
        "message_ts": message["ts"],
        "message": message,
        "response_url": response_url,
    }


def block_suggestion(who: Who, view: JSON, *, block_id: str, action_id: str, value: str) -> JSON:
    """What Slack sends as a user types `value` in an external select of modal `view`: the app's
    answer holds the select's options."""
    return {
        "type": "block_suggestion",
        **who.sender(),
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "block_id": block_id,
        "action_id": action_id,
        "value": value,
    }


# ----- the Events API: what Slack POSTs as JSON to the app's events URL


def event_callback(who: Who, event: JSON, *, event_id: str | None = None) -> JSON:
    """The `event_callback` envelope the Events API wraps every event in."""
    now = int(time.time())
    return {
        "token": who.verification_token,
        "team_id": who.team_id,
        "api_app_id": who.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": who.team_id,
                "user_id": "U0BOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def app_home_opened(who: Who, *, channel: str = "D0HOME", tab: str = "home", view: JSON | None = None) -> JSON:
    """A user opened the app's Home (or Messages) tab; `view` is the Home view last published for them."""
    event: JSON = {
        "type": "app_home_opened",
        "user": who.user_id,
        "channel": channel,
        "tab": tab,
        "event_ts": action_ts(),
    }
    if view is not None:
        event["view"] = view
    return event_callback(who, event)


@dataclass(frozen=True)
class StepFunction:
    """A custom step as the app's manifest declares it: what Slack puts in `event.function`."""

    callback_id: str
    title: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    function_id: str = "Fn0WALLET"

    def wire(self, app_id: str) -> JSON:
        def parameters(names: tuple[str, ...]) -> list[JSON]:
            return [{"name": name, "type": "string", "is_required": False} for name in names]

        return {
            "id": self.function_id,
            "callback_id": self.callback_id,
            "title": self.title,
            "description": self.title,
            "type": "app",
            "input_parameters": parameters(self.inputs),
            "output_parameters": parameters(self.outputs),
            "app_id": app_id,
            "date_created": 1700000000,
            "date_updated": 1700000000,
            "date_deleted": 0,
        }


def function_executed(
    who: Who, step: StepFunction, inputs: JSON, *, function_execution_id: str, bot_access_token: str
) -> JSON:
    """A workflow reached the app's custom step: its inputs, its execution id and the token for completing it."""
    event: JSON = {
        "type": "function_executed",
        "function": step.wire(who.api_app_id),
        "inputs": inputs,
        "function_execution_id": function_execution_id,
        "workflow_execution_id": f"Wx{secrets.token_hex(5).upper()}",
        "event_ts": action_ts(),
        "bot_access_token": bot_access_token,
    }
    return event_callback(who, event)
