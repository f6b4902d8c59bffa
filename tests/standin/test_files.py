"""Files in the stand-in: a file_input in a modal, a file attached there read with the bot token,
the app's uploads through slack_sdk's files_upload_v2, and chat.update's Tier 3."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.standin import SlackApiFailure, file_input_value, view_submission
from bot.standin.files import MAX_INPUT_FILE_BYTES
from bot.standin.payloads import Who
from tests.standin.helpers import error_of, view
from tests.support.standin import TOKEN, Slack


def file_input(**element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "file",
        "label": {"type": "plain_text", "text": "CSV"},
        "element": {"type": "file_input", "action_id": "csv", **element},
    }


async def test_a_modal_takes_a_file_input_within_slacks_limits(slack: Slack) -> None:
    good = view(blocks=[file_input(filetypes=["csv"], max_files=1)], submit={"type": "plain_text", "text": "Go"})
    opened = await slack.client().views_open(trigger_id=slack.standin.new_trigger_id(), view=good)
    assert opened["view"]["blocks"][0]["element"]["type"] == "file_input"

    too_many = view(blocks=[file_input(max_files=11)], submit={"type": "plain_text", "text": "Go"})
    error = await error_of(slack.client().views_open(trigger_id=slack.standin.new_trigger_id(), view=too_many))
    assert error["error"] == "invalid_arguments"
    assert "max_files must be between 1 and 10" in error["response_metadata"]["messages"][0]


async def test_an_attached_file_is_in_the_submission_and_read_only_with_the_bot_token(slack: Slack) -> None:
    file = slack.standin.files.attach(slack.standin, "rows.csv", b"1001, pm_abc", user="U0ALLOWED")
    payload = view_submission(
        Who("U0ALLOWED", "T0CONSOLE", "C0CONSOLE"),
        {"id": "V1", "callback_id": "form"},
        {"file": {"csv": file_input_value([file])}},
        trigger_id="t",
    )
    [sent] = payload["view"]["state"]["values"]["file"]["csv"]["files"]
    assert (sent["name"], sent["filetype"], sent["size"]) == ("rows.csv", "csv", 12)

    async with httpx.AsyncClient() as http:
        with_token = await http.get(sent["url_private_download"], headers={"Authorization": f"Bearer {TOKEN}"})
        without = await http.get(sent["url_private_download"])
    assert with_token.content == b"1001, pm_abc"
    # Slack's sign-in page, not an error: what an app without the files:read scope gets.
    assert without.status_code == 200 and without.headers["content-type"].startswith("text/html")


def test_a_file_over_10_mb_is_refused_as_slack_does() -> None:
    from bot.standin import SlackStandIn

    standin = SlackStandIn(bot_token=TOKEN)
    with pytest.raises(SlackApiFailure) as refused:
        standin.files.attach(standin, "big.csv", b"x" * (MAX_INPUT_FILE_BYTES + 1), user="U0ALLOWED")
    assert refused.value.answer() == {"ok": False, "error": "file_too_large"}


async def test_files_upload_v2_lands_in_the_channel_and_can_be_read_back(slack: Slack) -> None:
    answer = await slack.client().files_upload_v2(
        channel="C0CONSOLE",
        content="row,order\n1,#1001\n",
        filename="report.csv",
        title="Report",
        initial_comment="Done",
    )
    assert answer["ok"] is True
    [uploaded] = slack.standin.files.shared_in("C0CONSOLE")
    assert (uploaded.name, uploaded.title, uploaded.text, uploaded.initial_comment) == (
        "report.csv",
        "Report",
        "row,order\n1,#1001\n",
        "Done",
    )
    methods = [call.method for call in slack.standin.calls]
    assert methods == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    info = await slack.client().files_info(file=uploaded.id)
    assert info["file"]["channels"] == ["C0CONSOLE"]


async def test_completing_an_upload_whose_bytes_never_came_is_refused(slack: Slack) -> None:
    url = await slack.client().files_getUploadURLExternal(filename="a.csv", length=3)
    error = await error_of(
        slack.client().files_completeUploadExternal(files=[{"id": url["file_id"]}], channel_id="C0CONSOLE")
    )
    assert error["error"] == "file_not_found"


async def test_chat_update_over_tier_3_answers_429_with_retry_after(slack: Slack) -> None:
    client = slack.client()
    posted = await client.chat_postMessage(channel="C0CONSOLE", text="0")
    async with httpx.AsyncClient(base_url=slack.server.api_url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        answers = [
            await http.post("chat.update", data={"channel": "C0CONSOLE", "ts": posted["ts"], "text": str(n)})
            for n in range(51)
        ]
        assert [a.status_code for a in answers].count(200) == 50
        assert answers[-1].status_code == 429 and int(answers[-1].headers["Retry-After"]) >= 1
        slack.clock.advance(60.0)
        again = await http.post("chat.update", data={"channel": "C0CONSOLE", "ts": posted["ts"], "text": "later"})
    assert again.json()["ok"] is True
