"""The stand-in's Web API methods over real HTTP, driven by slack_sdk's own async client."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.standin.helpers import SECTION, error_of, view
from tests.support.standin import TOKEN, Slack


async def test_auth_test_names_the_bot(slack: Slack) -> None:
    answer = await slack.client().auth_test()

    assert answer["ok"] is True
    assert answer["team_id"] == "T0CONSOLE"
    assert answer["user_id"] == "U0BOT"
    assert answer["bot_id"] == "B0BOT"
    assert answer["url"] == "https://console.slack.com/"
    assert answer.headers["x-oauth-scopes"]
    assert slack.standin.calls_to("auth.test")[0].ok


async def test_views_open_with_a_fresh_trigger(slack: Slack) -> None:
    trigger = slack.standin.new_trigger_id()

    answer = await slack.client().views_open(
        trigger_id=trigger, view=view(callback_id="save_form", private_metadata="order=1001")
    )

    opened = answer["view"]
    assert opened["id"].startswith("V")
    assert opened["hash"]
    assert opened["state"] == {"values": {}}
    assert opened["callback_id"] == "save_form"
    assert opened["private_metadata"] == "order=1001"
    assert opened["root_view_id"] == opened["id"]
    assert slack.standin.views[opened["id"]] == opened
    assert slack.standin.top_view() == opened
    assert opened["blocks"][0]["block_id"], "Slack names blocks the app left unnamed"


async def test_views_open_refuses_an_expired_trigger(slack: Slack) -> None:
    trigger = slack.standin.new_trigger_id()
    slack.clock.advance(3.01)

    error = await error_of(slack.client().views_open(trigger_id=trigger, view=view()))

    assert error == {"ok": False, "error": "expired_trigger_id"}


async def test_views_open_accepts_a_trigger_just_inside_3_seconds(slack: Slack) -> None:
    trigger = slack.standin.new_trigger_id()
    slack.clock.advance(2.99)

    assert (await slack.client().views_open(trigger_id=trigger, view=view()))["ok"]


async def test_views_open_refuses_a_reused_or_unknown_trigger(slack: Slack) -> None:
    client = slack.client()
    trigger = slack.standin.new_trigger_id()
    await client.views_open(trigger_id=trigger, view=view())

    reused = await error_of(client.views_open(trigger_id=trigger, view=view()))
    unknown = await error_of(client.views_open(trigger_id="123.456.nope", view=view()))

    assert reused["error"] == "exchanged_trigger_id"
    assert unknown["error"] == "invalid_trigger_id"


async def test_views_update_checks_the_hash_and_gives_a_new_one(slack: Slack) -> None:
    client = slack.client()
    opened = (await client.views_open(trigger_id=slack.standin.new_trigger_id(), view=view()))["view"]
    updated = (await client.views_update(view_id=opened["id"], hash=opened["hash"], view=view("Saving")))["view"]

    stale = await error_of(client.views_update(view_id=opened["id"], hash=opened["hash"], view=view("Saved")))

    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    assert updated["title"]["text"] == "Saving"
    assert stale["error"] == "hash_conflict"
    assert slack.standin.views[opened["id"]]["title"]["text"] == "Saving"


async def test_views_update_by_external_id_and_unknown_view(slack: Slack) -> None:
    client = slack.client()
    await client.views_open(trigger_id=slack.standin.new_trigger_id(), view=view(external_id="order-1001"))

    updated = await client.views_update(external_id="order-1001", view=view("Saved"))
    missing = await error_of(client.views_update(view_id="V0NOPE", view=view()))

    assert updated["view"]["external_id"] == "order-1001"
    assert missing["error"] == "not_found"


@pytest.mark.parametrize(
    ("bad_view", "complaint"),
    [
        (view("x" * 25), "title must be between 1 and 24 characters"),
        (view(blocks=[SECTION] * 101), "between 1 and 100 blocks"),
        (view(private_metadata="x" * 3001), "private_metadata cannot exceed 3000 characters"),
        (view(callback_id="x" * 256), "callback_id cannot exceed 255 characters"),
        (
            view(
                blocks=[
                    {
                        "type": "input",
                        "label": {"type": "plain_text", "text": "Card"},
                        "element": {"type": "plain_text_input"},
                    }
                ]
            ),
            "must define `submit` to use input block",
        ),
        (view(blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]), "3000"),
        (view(blocks=[{"type": "no_such_block"}]), "unsupported block type"),
    ],
)
async def test_views_open_refuses_invalid_views(slack: Slack, bad_view: dict[str, Any], complaint: str) -> None:
    error = await error_of(slack.client().views_open(trigger_id=slack.standin.new_trigger_id(), view=bad_view))

    assert error["error"] == "invalid_arguments"
    assert any(complaint in line for line in error["response_metadata"]["messages"])
    assert slack.standin.views == {}


async def test_views_push_stacks_at_most_three_views(slack: Slack) -> None:
    client, standin = slack.client(), slack.standin
    root = (await client.views_open(trigger_id=standin.new_trigger_id(), view=view("One")))["view"]
    second = (await client.views_push(trigger_id=standin.new_trigger_id(), view=view("Two")))["view"]
    await client.views_push(trigger_id=standin.new_trigger_id(), view=view("Three"))

    refused = await error_of(client.views_push(trigger_id=standin.new_trigger_id(), view=view("Four")))

    assert second["previous_view_id"] == root["id"]
    assert second["root_view_id"] == root["id"]
    assert [v["title"]["text"] for v in standin.modal_stack] == ["One", "Two", "Three"]
    assert refused["error"] == "push_limit_reached"


async def test_chat_post_ephemeral_records_the_message(slack: Slack) -> None:
    answer = await slack.client().chat_postEphemeral(channel="C0CONSOLE", user="U0CONSOLE", text="Hi", blocks=[SECTION])

    message = slack.standin.messages[-1]
    assert answer["message_ts"] == message.ts
    assert (message.channel, message.user, message.text, message.via) == (
        "C0CONSOLE",
        "U0CONSOLE",
        "Hi",
        "chat.postEphemeral",
    )
    assert message.ephemeral
    call = slack.standin.calls_to("chat.postEphemeral")[0]
    assert call.args["user"] == "U0CONSOLE"
    assert json.loads(call.body)["text"] == "Hi"


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"user": "U0CONSOLE", "text": "Hi"}, "channel_not_found"),
        ({"channel": "C0CONSOLE", "text": "Hi"}, "user_not_found"),
        ({"channel": "C0CONSOLE", "user": "U0CONSOLE"}, "no_text"),
        ({"channel": "C0CONSOLE", "user": "U0CONSOLE", "blocks": [SECTION] * 51}, "invalid_blocks"),
    ],
)
async def test_chat_post_ephemeral_refuses_what_slack_refuses(
    slack: Slack, arguments: dict[str, Any], error: str
) -> None:
    answer = await error_of(slack.client().api_call("chat.postEphemeral", json=arguments))

    assert answer["error"] == error
    assert slack.standin.messages == []


async def test_chat_post_message_and_update(slack: Slack) -> None:
    client = slack.client()
    posted = await client.chat_postMessage(channel="C0AUDIT", text="one")
    updated = await client.chat_update(channel="C0AUDIT", ts=posted["ts"], text="two")
    missing = await error_of(client.chat_update(channel="C0AUDIT", ts="1.2", text="x"))

    assert posted["message"]["text"] == "one"
    assert updated["ts"] == posted["ts"]
    assert [(m.text, m.replaces) for m in slack.standin.messages] == [("one", None), ("two", posted["ts"])]
    assert missing["error"] == "message_not_found"


async def test_form_encoded_arguments_carry_json_strings(slack: Slack) -> None:
    body = {"trigger_id": slack.standin.new_trigger_id(), "view": json.dumps(view())}
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            slack.server.api_url + "views.open", data=body, headers={"Authorization": f"Bearer {TOKEN}"}
        )

    assert answer.status_code == 200
    assert answer.json()["ok"] is True


async def test_a_wrong_or_missing_token_is_refused(slack: Slack) -> None:
    wrong = await error_of(slack.client(token="xoxb-wrong").auth_test())
    async with httpx.AsyncClient() as http:
        missing = await http.post(slack.server.api_url + "auth.test")

    assert wrong == {"ok": False, "error": "invalid_auth"}
    assert missing.status_code == 200
    assert missing.json() == {"ok": False, "error": "not_authed"}


async def test_an_unknown_method_is_refused(slack: Slack) -> None:
    error = await error_of(slack.client().api_call("chat.nothing"))

    assert error["error"] == "unknown_method"


async def test_usergroups_users_list(slack: Slack) -> None:
    client = slack.client()
    users = await client.usergroups_users_list(usergroup="S0OPS")
    unknown = await error_of(client.usergroups_users_list(usergroup="S0NOPE"))

    assert users["users"] == ["U0ALLOWED"]
    assert unknown["error"] == "no_such_subteam"


async def test_only_an_app_level_token_opens_a_socket_mode_connection(slack: Slack) -> None:
    slack.standin.app_token = "xapp-1-A0-1-secret"
    refused = await error_of(slack.client().apps_connections_open(app_token=TOKEN))
    assert refused["error"] == "not_allowed_token_type"
    wrong = await error_of(slack.client().apps_connections_open(app_token="xapp-1-A0-1-other"))
    assert wrong["error"] == "invalid_auth"
    opened = await slack.client().apps_connections_open(app_token="xapp-1-A0-1-secret")
    assert opened["url"].startswith("ws://127.0.0.1:")


async def test_a_rate_limited_method_answers_429_with_retry_after_then_answers_again(slack: Slack) -> None:
    slack.standin.rate_limit("usergroups.users.list", times=2, retry_after=7)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=slack.server.api_url, headers=auth) as http:
        first = await http.post("usergroups.users.list", data={"usergroup": "S0OPS"})
        second = await http.post("usergroups.users.list", data={"usergroup": "S0OPS"})
        other_method = await http.post("auth.test")
        third = await http.post("usergroups.users.list", data={"usergroup": "S0OPS"})

    for refused in (first, second):
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "7"
        assert refused.json() == {"ok": False, "error": "ratelimited"}
    assert other_method.json()["ok"] is True
    assert third.status_code == 200
    assert third.json()["users"] == ["U0ALLOWED"]
    calls = slack.standin.calls_to("usergroups.users.list")
    assert [(call.status, call.error) for call in calls] == [(429, "ratelimited"), (429, "ratelimited"), (200, None)]
