"""The console driver against a tiny real Bolt app over HTTP, with the stand-in as Slack."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.console.driver import ConsoleDriver
from tests.support.standin import Slack

from .conftest import SIGNING_SECRET, serving

FORM = {
    "type": "modal",
    "callback_id": "save_form",
    "title": {"type": "plain_text", "text": "Save card"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "order=1001",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Order *#1001* for <@U0CUSTOMER>"}},
        {
            "type": "input",
            "block_id": "card",
            "label": {"type": "plain_text", "text": "Card id"},
            "hint": {"type": "plain_text", "text": "From the Stripe dashboard"},
            "element": {"type": "plain_text_input", "action_id": "card_input"},
        },
    ],
}
LOADING = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Save card"},
    "blocks": [{"type": "section", "text": {"type": "plain_text", "text": "Loading…"}}],
}
CONFIRM_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Save *pm_…0123* to order #1001?"}},
    {
        "type": "actions",
        "block_id": "decide",
        "elements": [
            {
                "type": "button",
                "action_id": "confirm_save",
                "text": {"type": "plain_text", "text": "Confirm"},
                "value": "1001",
                "style": "primary",
                "confirm": {
                    "title": {"type": "plain_text", "text": "Are you sure?"},
                    "text": {"type": "plain_text", "text": "This changes the wallet."},
                    "confirm": {"type": "plain_text", "text": "Save"},
                    "deny": {"type": "plain_text", "text": "Back"},
                },
            },
            {"type": "button", "action_id": "cancel_save", "text": {"type": "plain_text", "text": "Cancel"}},
        ],
    },
]


AGAIN = {"type": "button", "action_id": "again", "text": {"type": "plain_text", "text": "Check again"}}


def modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }


def build_app(api_url: str) -> AsyncApp:
    app = AsyncApp(client=AsyncWebClient(token="xoxb-test-token", base_url=api_url), signing_secret=SIGNING_SECRET)

    @app.command("/wallet")
    async def wallet(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        text = command["text"]
        if text == "help":
            await ack("Usage: /wallet form | confirm")
        elif text == "confirm":
            await ack()
            await respond(text="Save pm_…0123 to #1001?", blocks=CONFIRM_BLOCKS)
        elif text == "form":
            await ack()
            opened = await client.views_open(trigger_id=command["trigger_id"], view=LOADING)
            await client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=FORM)
        elif text == "group":
            await ack()
            try:
                await client.usergroups_users_list(usergroup="S0NOPE")
            except SlackApiError:
                await respond("Could not read the allow-list.")
        else:
            await ack(response_type="in_channel", text=f"Unknown: {text}")

    @app.view("save_form")
    async def save(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient) -> None:
        card = view["state"]["values"]["card"]["card_input"]["value"]
        if card == "bad":
            await ack(response_action="errors", errors={"card": "Card ids start with pm_"})
            return
        await ack(response_action="update", view=modal("Saving", "Saving…"))
        done = modal("Saved", f"Saved `{card}` ({view['private_metadata']})")
        done["blocks"].append({"type": "actions", "elements": [AGAIN]})
        await client.views_update(view_id=view["id"], view=done)

    @app.action("again")
    async def again(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        # The hash the press carried must be the stand-in's current one, or this is a hash_conflict.
        view = body["view"]
        await client.views_update(view_id=view["id"], hash=view["hash"], view=modal("Saved", "Checked again."))

    @app.action("confirm_save")
    async def confirm(ack: AsyncAck, respond: AsyncRespond, body: dict[str, Any]) -> None:
        await ack()
        await respond(replace_original=True, text=f"Saved to order {body['actions'][0]['value']}.")

    @app.action("cancel_save")
    async def cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(delete_original=True)

    @app.shortcut("wallet_save")
    async def shortcut(ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=shortcut["trigger_id"], view=FORM)

    return app


@pytest.fixture
async def app_url(slack: Slack) -> AsyncIterator[str]:
    async with serving(build_app(slack.server.api_url)) as url:
        yield url


async def transcript(slack: Slack, app_url: str, lines: list[str], secret: str = SIGNING_SECRET) -> str:
    out = io.StringIO()
    driver = ConsoleDriver(app_url=app_url, signing_secret=secret, standin=slack.standin, out=out)
    await driver.run(lines, interactive=False)
    return out.getvalue()


MODAL_FLOW = """\
> # a comment
>
> /wallet form
Modal opened:
+-- Save card --
| Loading…
+-- [Cancel] --
Modal updated:
+-- Save card --
| Order *#1001* for @U0CUSTOMER
| Card id (input)
|   From the Stripe dashboard
+-- [Save] [Cancel] --
Card id:
  This field is required.
Card id: bad
  ! Card id: Card ids start with pm_
Card id: pm_123
Modal updated:
+-- Saving --
| Saving…
+-- [Cancel] --
Modal updated:
+-- Saved --
| Saved `pm_123` (order=1001)
| [1] Check again
+-- [Cancel] --
> 1
Modal updated:
+-- Saved --
| Checked again.
+-- [Cancel] --
> /cancel
(modal closed)
> /quit
"""


async def test_modal_errors_update_and_a_button_in_the_view(slack: Slack, app_url: str) -> None:
    lines = ["# a comment", "", "/wallet form", "", "bad", "pm_123", "1", "/cancel", "/quit", "/never-sent"]

    assert await transcript(slack, app_url, lines) == MODAL_FLOW
    assert slack.standin.views == {}
    update = slack.standin.calls_to("views.update")[-1]
    assert update.ok, "the press carried the hash of the view that the ack updated"


BUTTONS_FLOW = """\
> /wallet help
Wallet bot says in #console (only visible to you):
  Usage: /wallet form | confirm
> /wallet zzz
Wallet bot says in #console:
  Unknown: zzz
> /wallet confirm
Wallet bot says in #console (only visible to you):
  Save *pm_…0123* to order #1001?
  [1] Confirm  [2] Cancel
> 1
Are you sure?
This changes the wallet.
[y] Save  [N] Back
[y/N] n
(cancelled)
> 1
Are you sure?
This changes the wallet.
[y] Save  [N] Back
[y/N] yes
Wallet bot replaced its message in #console (only visible to you):
  Saved to order 1001.
> /wallet confirm
Wallet bot says in #console (only visible to you):
  Save *pm_…0123* to order #1001?
  [1] Confirm  [2] Cancel
> /press 2
(Wallet bot deleted its message in #console)
> 2
There is no button 2 on screen.
"""


async def test_messages_buttons_and_confirm_dialog(slack: Slack, app_url: str) -> None:
    lines = ["/wallet help", "/wallet zzz", "/wallet confirm", "1", "n", "1", "yes", "/wallet confirm", "/press 2", "2"]

    assert await transcript(slack, app_url, lines) == BUTTONS_FLOW
    press = slack.standin.calls_to("response_url")[1]
    assert press.args == {"replace_original": True, "text": "Saved to order 1001."}
    assert [m.via for m in slack.standin.messages] == ["ack", "ack", *["response_url"] * 4]


SHORTCUT_FLOW = """\
> shortcut wallet_save
Modal opened:
+-- Save card --
| Order *#1001* for @U0CUSTOMER
| Card id (input)
|   From the Stripe dashboard
+-- [Save] [Cancel] --
Card id: /cancel
(modal closed)
> /wallet group
! Slack API usergroups.users.list failed: no_such_subteam
Wallet bot says in #console (only visible to you):
  Could not read the allow-list.
> hello
Type a /command, a button number, or /help.
"""


async def test_shortcut_cancel_and_a_failed_web_api_call(slack: Slack, app_url: str) -> None:
    lines = ["shortcut wallet_save", "/cancel", "/wallet group", "hello"]

    assert await transcript(slack, app_url, lines) == SHORTCUT_FLOW


async def test_end_of_input_inside_a_modal_closes_it(slack: Slack, app_url: str) -> None:
    text = await transcript(slack, app_url, ["/shortcut wallet_save"])

    assert text.endswith("+-- [Save] [Cancel] --\n(modal closed)\n")
    assert slack.standin.top_view() is None


async def test_wrong_signing_secret_is_shown_as_slack_would_fail(slack: Slack, app_url: str) -> None:
    text = await transcript(slack, app_url, ["/wallet help"], secret="not-the-apps-secret")

    assert '! /wallet failed: the app answered HTTP 401 {"error": "invalid request"}' in text
    assert "signing secret" in text


async def test_unreachable_app_is_reported(slack: Slack) -> None:
    text = await transcript(slack, "http://127.0.0.1:9/slack/events", ["/wallet help"])

    assert "! /wallet: could not reach the app at http://127.0.0.1:9/slack/events" in text


async def test_interactive_mode_reads_an_async_iterator_without_echo(slack: Slack, app_url: str) -> None:
    async def typed() -> AsyncIterator[str]:
        for line in ["/wallet help\n", "/quit\n"]:
            yield line

    out = io.StringIO()
    driver = ConsoleDriver(app_url=app_url, signing_secret=SIGNING_SECRET, standin=slack.standin, out=out)
    await driver.run(typed(), interactive=True)

    assert out.getvalue() == (
        "Slack console. Type /help for what you can do.\n"
        "> Wallet bot says in #console (only visible to you):\n"
        "  Usage: /wallet form | confirm\n"
        "> "
    )


async def test_requests_are_signed_and_shaped_like_slacks(slack: Slack, app_url: str) -> None:
    seen: list[dict[str, Any]] = []
    app = build_app(slack.server.api_url)

    @app.middleware
    async def keep(body: dict[str, Any], next: Any) -> None:
        seen.append(body)
        await next()

    async with serving(app) as url:
        await transcript(slack, url, ["/wallet confirm", "2"])

    command, press = seen
    assert command["command"] == "/wallet"
    assert command["text"] == "confirm"
    assert command["user_id"] == "U0CONSOLE"
    assert command["channel_id"] == "C0CONSOLE"
    assert command["response_url"].startswith(slack.server.base_url + "/response/")
    assert press["type"] == "block_actions"
    assert press["actions"][0]["action_id"] == "cancel_save"
    assert press["actions"][0]["block_id"] == "decide"
    assert press["container"]["type"] == "message"
    assert press["container"]["is_ephemeral"] is True
    assert press["message"]["text"] == "Save pm_…0123 to #1001?"
    assert press["trigger_id"] != command["trigger_id"]


async def test_a_button_of_a_deleted_message_is_gone(slack: Slack, app_url: str) -> None:
    lines = ["/wallet confirm", "# the app deletes it meanwhile, and the screen still shows the button"]
    out = io.StringIO()
    driver = ConsoleDriver(app_url=app_url, signing_secret=SIGNING_SECRET, standin=slack.standin, out=out)
    await driver.run(lines)
    message = slack.standin.messages[-1]
    url = slack.standin.new_response_url(message.channel, message_ts=message.ts)
    async with httpx.AsyncClient() as http:
        await http.post(url, json={"delete_original": True})

    await driver.run(["1"])

    assert out.getvalue().endswith("> 1\nThat button is gone: its message or modal was closed.\n")
