"""What Slack sends an app, as the console, the tests and the bench build it."""

from __future__ import annotations

import json
import urllib.parse

from slack_sdk.signature import SignatureVerifier

from bot.standin.payloads import (
    Who,
    button_press,
    interaction,
    signed_headers,
    slash_command,
    view_submission,
)

WHO = Who("U0ALLOWED", "T0CONSOLE", "C0CONSOLE")


def test_signed_headers_verify_with_slacks_own_check() -> None:
    body = slash_command(WHO, "help", response_url="http://slack/response/x", trigger_id="1.2.3")
    headers = signed_headers("secret", body)

    assert SignatureVerifier("secret").is_valid_request(body, headers)
    assert not SignatureVerifier("another").is_valid_request(body, headers)


def test_a_slash_command_is_a_form_with_slacks_fields() -> None:
    body = slash_command(WHO, "save 1001", response_url="http://slack/response/x", trigger_id="1.2.3")

    form = dict(urllib.parse.parse_qsl(body))
    assert form["command"] == "/wallet"
    assert form["text"] == "save 1001"
    assert (form["team_id"], form["user_id"], form["channel_id"]) == ("T0CONSOLE", "U0ALLOWED", "C0CONSOLE")
    assert form["trigger_id"] == "1.2.3"


def test_an_interaction_carries_its_payload_as_json_in_a_form_field() -> None:
    payload = button_press(WHO, "wallet_confirm", "sealed", trigger_id="1.2.3", response_url="http://slack/r/x")

    form = dict(urllib.parse.parse_qsl(interaction(payload)))
    sent = json.loads(form["payload"])
    assert sent["type"] == "block_actions"
    assert sent["actions"][0]["action_id"] == "wallet_confirm"
    assert sent["actions"][0]["value"] == "sealed"
    assert sent["container"]["is_ephemeral"] is True
    assert sent["user"]["id"] == "U0ALLOWED"


def test_a_submission_carries_plain_text_and_selected_values_in_the_views_state() -> None:
    option = {"type": "static_select", "selected_option": {"value": "visa"}}
    payload = view_submission(
        WHO, {"id": "V1", "type": "modal"}, {"card": {"pm": "pm_card_visa"}, "kind": {"pick": option}}, trigger_id="t"
    )

    values = payload["view"]["state"]["values"]
    assert values["card"]["pm"] == {"type": "plain_text_input", "value": "pm_card_visa"}
    assert values["kind"]["pick"] == option
    assert payload["view"]["id"] == "V1"
