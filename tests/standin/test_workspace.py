"""What the stand-in's workspace state offers tests and the console: waiting for calls, applying acks."""

from __future__ import annotations

import re

import pytest

from tests.standin.helpers import view
from tests.support.standin import Slack


async def test_wait_for_returns_the_calls_or_says_what_came(slack: Slack) -> None:
    await slack.client().auth_test()

    assert len(await slack.standin.wait_for("auth.test")) == 1
    with pytest.raises(TimeoutError, match=re.escape("received ['auth.test']")):
        await slack.standin.wait_for("views.open", timeout=0.05)


async def test_an_ack_update_read_late_keeps_the_apps_newer_update(slack: Slack) -> None:
    opened = (await slack.client().views_open(trigger_id=slack.standin.new_trigger_id(), view=view()))["view"]
    submitted_hash = opened["hash"]
    # The app answered "update" (a saving view), then updated the view with the result before the
    # client that submitted read the answer.
    await slack.client().views_update(view_id=opened["id"], view=view(title="Result"))
    shown = slack.standin.update_view_from_ack(opened["id"], view(title="Saving"), submitted_hash=submitted_hash)
    assert shown["title"]["text"] == "Saving"
    assert slack.standin.views[opened["id"]]["title"]["text"] == "Result"
    # Read in time, the answer replaces the view as Slack does.
    current = slack.standin.views[opened["id"]]["hash"]
    slack.standin.update_view_from_ack(opened["id"], view(title="Saving"), submitted_hash=current)
    assert slack.standin.views[opened["id"]]["title"]["text"] == "Saving"
