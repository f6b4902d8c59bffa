"""Posts to the stand-in's response_urls, made by slack_sdk's webhook client."""

from __future__ import annotations

from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.standin.helpers import SECTION
from tests.support.standin import Slack


async def test_response_url_takes_five_posts_then_404(slack: Slack) -> None:
    url = slack.standin.new_response_url("C0CONSOLE", user_id="U0CONSOLE")
    webhook = AsyncWebhookClient(url)

    answers = [await webhook.send(text=f"post {n}") for n in range(6)]

    assert [a.status_code for a in answers] == [200] * 5 + [404]
    assert answers[0].body == "ok"
    assert answers[5].body == "used_url"
    assert [m.text for m in slack.standin.messages] == [f"post {n}" for n in range(5)]
    assert all(m.ephemeral and m.user == "U0CONSOLE" for m in slack.standin.messages)
    assert slack.standin.calls_to("response_url")[5].error == "used_url"


async def test_response_url_expires_after_30_minutes(slack: Slack) -> None:
    url = slack.standin.new_response_url("C0CONSOLE")
    slack.clock.advance(30 * 60 + 1)

    answer = await AsyncWebhookClient(url).send(text="late")

    assert (answer.status_code, answer.body) == (404, "expired_url")


async def test_unknown_response_url_is_404(slack: Slack) -> None:
    answer = await AsyncWebhookClient(slack.server.base_url + "/response/nope").send(text="x")

    assert answer.status_code == 404


async def test_response_url_replace_original_and_in_channel(slack: Slack) -> None:
    webhook = AsyncWebhookClient(slack.standin.new_response_url("C0CONSOLE", user_id="U0CONSOLE"))
    await webhook.send(text="Preview", blocks=[SECTION])
    await webhook.send(text="Saved", replace_original=True)
    await webhook.send(text="For everyone", response_type="in_channel")
    refused = await webhook.send(blocks=[{"type": "no_such_block"}])

    first, replaced, public = slack.standin.messages
    assert replaced.replaces == first.ts
    assert replaced.ts == first.ts
    assert replaced.ephemeral
    assert not public.ephemeral
    assert (refused.status_code, refused.body) == (400, "invalid_blocks")


async def test_response_url_of_a_button_replaces_the_pressed_message(slack: Slack) -> None:
    posted = await slack.client().chat_postEphemeral(channel="C0CONSOLE", user="U0CONSOLE", text="Confirm?")
    url = slack.standin.new_response_url("C0CONSOLE", user_id="U0CONSOLE", message_ts=posted["message_ts"])

    await AsyncWebhookClient(url).send(delete_original=True)

    deleted = slack.standin.messages[-1]
    assert deleted.deleted
    assert deleted.replaces == posted["message_ts"]
