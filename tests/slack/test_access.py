"""Allow-lists: every surface that reads or changes a wallet refuses users outside them."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.harness import Harness
from tests.support.reading import button, input_blocks, texts
from tests.support.scenario import MakeHarness

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"
OUTSIDER = "U0OUTSIDER"


@pytest.fixture
async def guarded(make_harness: MakeHarness) -> Harness:
    return await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED", WALLET_AUDIT_CHANNEL="C0AUDIT")


def assert_no_change(scenario: Harness) -> None:
    assert scenario.sandbox.count("POST", "^/api/") == 0
    assert scenario.sandbox.count("PATCH") == 0


async def test_a_confirm_preview_is_refused_with_how_to_get_access(guarded: Harness) -> None:
    await guarded.command(f"save 1001 {PM}", user=OUTSIDER)
    await guarded.settle()
    text = guarded.last_message().text
    assert "not on Wallet bot's allow-list" in text
    assert "U0OUTSIDER" in text
    assert "WALLET_ALLOWED_USERS" in text
    assert guarded.sandbox.requests == []  # not even a read of the order


async def test_the_modal_is_refused_inside_the_modal(guarded: Harness) -> None:
    await guarded.command("save 1001", user=OUTSIDER)
    await guarded.settle()
    view = guarded.open_view()
    assert "not on Wallet bot's allow-list" in texts(view["blocks"])
    assert input_blocks(view) == []
    assert guarded.sandbox.requests == []


async def test_sources_are_refused(guarded: Harness) -> None:
    await guarded.command("sources 1007", user=OUTSIDER)
    await guarded.settle()
    assert "not on Wallet bot's allow-list" in guarded.last_message().text
    assert guarded.sandbox.requests == []


async def test_a_modal_opened_by_an_allowed_user_and_submitted_by_another_is_refused(guarded: Harness) -> None:
    await guarded.command("save 1001")
    await guarded.settle()
    form = guarded.open_view()
    await guarded.submit(form, {"card": {"pm": PM}}, user=OUTSIDER)
    await guarded.settle()
    assert "not on Wallet bot's allow-list" in texts(guarded.open_view()["blocks"])
    assert_no_change(guarded)


async def test_the_shortcut_refuses_at_the_order_step(guarded: Harness) -> None:
    await guarded.shortcut(user=OUTSIDER)
    await guarded.settle()
    await guarded.submit(guarded.open_view(), {"order": {"ref": "1001"}}, user=OUTSIDER)
    await guarded.settle()
    assert "not on Wallet bot's allow-list" in texts(guarded.open_view()["blocks"])
    assert guarded.sandbox.requests == []


async def test_an_allowed_user_saves_and_the_audit_channel_gets_one_line(guarded: Harness) -> None:
    reply = await guarded.command(f"save 1001 {PM}")
    await guarded.settle()
    value = button(guarded.last_message().blocks, "wallet_confirm")["value"]
    await guarded.press("wallet_confirm", value, response_url=reply.response_url)
    await guarded.settle()
    audit = [message for message in guarded.standin.messages if message.channel == "C0AUDIT"]
    assert len(audit) == 1
    line = audit[0].text
    assert "<@U0ALLOWED>" in line
    assert "pm_…T9Js" in line
    assert "#1001" in line
    assert PM not in line


async def test_user_groups_allow_their_members_and_are_read_once(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERGROUPS="S0OPS", usergroups={"S0OPS": ["U0MEMBER"]})
    await scenario.command("sources 1007", user="U0MEMBER")
    await scenario.command("sources 1007", user="U0MEMBER")
    await scenario.command("sources 1007", user=OUTSIDER)
    await scenario.settle()
    # Each user sees only their own (ephemeral) replies; their order across users is not fixed.
    member = [message.text for message in scenario.standin.messages if message.user == "U0MEMBER"]
    outsider = [message.text for message in scenario.standin.messages if message.user == OUTSIDER]
    assert member == ["1 saved payment sources", "1 saved payment sources"]
    assert len(outsider) == 1
    assert "not on Wallet bot's allow-list" in outsider[0]
    assert len(scenario.standin.calls_to("usergroups.users.list")) == 1


async def test_a_burst_of_members_on_a_cold_cache_reads_the_group_once(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERGROUPS="S0OPS", usergroups={"S0OPS": ["U0MEMBER"]})
    replies = await asyncio.gather(*(scenario.command("sources 1007", user="U0MEMBER") for _ in range(20)))
    assert [reply.status for reply in replies] == [200] * 20
    await scenario.settle()
    member = [message.text for message in scenario.standin.messages if message.user == "U0MEMBER"]
    assert member == ["1 saved payment sources"] * 20
    assert len(scenario.standin.calls_to("usergroups.users.list")) == 1


async def test_a_rate_limited_group_read_is_retried_and_the_member_is_allowed(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERGROUPS="S0OPS", usergroups={"S0OPS": ["U0MEMBER"]})
    # Slack asks the app to wait before reading the group again; slack_sdk's retry handler waits and retries.
    scenario.standin.rate_limit("usergroups.users.list", times=1, retry_after=1)
    reply = await scenario.command("sources 1007", user="U0MEMBER")
    assert reply.status == 200
    await scenario.settle()
    assert scenario.last_message().text == "1 saved payment sources"
    reads = scenario.standin.calls_to("usergroups.users.list")
    assert [call.status for call in reads] == [429, 200]
    assert reads[1].at - reads[0].at >= 1.0


async def test_an_allowed_channel_lets_anyone_in_it_work(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_CHANNELS="C0OPS")
    await scenario.command("sources 1007", user=OUTSIDER, channel="C0OPS")
    await scenario.command("sources 1007", user=OUTSIDER, channel="C0RANDOM")
    await scenario.settle()
    (in_ops,) = [message.text for message in scenario.standin.messages if message.channel == "C0OPS"]
    (elsewhere,) = [message.text for message in scenario.standin.messages if message.channel == "C0RANDOM"]
    assert in_ops == "1 saved payment sources"
    assert "not on Wallet bot's allow-list" in elsewhere
