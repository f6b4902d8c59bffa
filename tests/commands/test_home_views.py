"""Golden dicts for the App Home: the Home tab as Slack receives it, and its ask modal."""

from __future__ import annotations

from typing import Any

from bot.slack.access import Decision
from bot.wallet import HistoryEvent, HistoryResult
from commands.home.views import Home, find_form, home_view
from tests.commands.golden import MASTERCARD, mrkdwn, plain

ALLOWED = Decision(True, grounds="Your Slack user id is on WALLET_ALLOWED_USERS.")
SAVED = HistoryEvent(
    "save",
    "2026-11-27T08:00:00Z",
    "T0",
    "U0ALLOWED",
    "1001",
    "alice@example.com",
    MASTERCARD,
    "saved to the wallet",
    "phone",
)


def body(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The Home's blocks after its fixed introduction: what changes with the user."""
    return view["blocks"][3:]


def test_the_home_of_an_allowed_user_with_a_change() -> None:
    view = home_view(Home(ALLOWED, "live", HistoryResult("", "live", (SAVED,), more=True))).to_dict()

    assert view["type"] == "home"
    assert [block["type"] for block in view["blocks"][:3]] == ["header", "section", "actions"]
    assert [element["action_id"] for element in view["blocks"][2]["elements"]] == [
        "home_save_open",
        "home_use_open",
        "home_find_open",
        "home_bulk_open",
    ]
    assert body(view) == [
        {
            "type": "section",
            "text": mrkdwn(
                ":white_check_mark: *You may change wallets.* Your Slack user id is on WALLET_ALLOWED_USERS."
            ),
        },
        {
            "type": "context",
            "elements": [mrkdwn("Commerce Layer is in *live* mode: these are real customers' wallets.")],
        },
        {"type": "divider"},
        {
            "type": "section",
            "text": mrkdwn(
                "*Your recent changes*\n• 2026-11-27 08:00 UTC · <@U0ALLOWED> saved *Mastercard •••• 4444 · exp "
                "08/2028* through order #1001 of alice@example.com · saved to the wallet\n      _“phone”_"
            ),
        },
        {
            "type": "context",
            "elements": [mrkdwn("Newest first, from Commerce Layer's records. Older ones: `/wallet history @you`.")],
        },
    ]


def test_the_home_of_a_refused_user_while_their_changes_cannot_be_read() -> None:
    refused = Decision(False, "You are not on Wallet bot's allow-list.")

    view = home_view(Home(refused, None, "Commerce Layer did not answer in time.")).to_dict()

    assert body(view) == [
        {
            "type": "section",
            "text": mrkdwn(":no_entry: *You can't change wallets.* You are not on Wallet bot's allow-list."),
        },
        {
            "type": "context",
            "elements": [mrkdwn(":grey_question: Commerce Layer's mode (test or live) could not be read just now.")],
        },
        {"type": "divider"},
        {
            "type": "section",
            "text": mrkdwn(
                "*Your recent changes*\n:warning: They couldn't be read: Commerce Layer did not answer in time. "
                "Open this tab again to retry."
            ),
        },
    ]


def test_the_find_form_asks_for_an_order_or_an_email() -> None:
    form = find_form(problem="No customer has the email nobody@example.com.").to_dict()

    assert (form["callback_id"], form["title"], form["submit"]) == (
        "home_find_form",
        plain("Find a wallet"),
        plain("Next"),
    )
    assert form["blocks"][0] == {
        "type": "section",
        "text": mrkdwn(":warning: No customer has the email nobody@example.com."),
    }
    assert form["blocks"][1]["block_id"] == "ask" and form["blocks"][1]["element"]["action_id"] == "ref"
