"""The Workflow Builder step "Save card to wallet" over real HTTP: Slack's `function_executed` event
in, functions.completeSuccess / completeError out, and one save however often the event arrives."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.sandbox import DEMO
from bot.standin.payloads import JSON, StepFunction, function_executed
from bot.standin.workspace import SlackStandIn, StepExecution
from commands.plumbing.blocks import escape
from commands.workflow.step import CALLBACK_ID, INPUTS, OUTPUTS
from tests.support.harness import Harness
from tests.support.reading import texts
from tests.support.redis_server import RedisServer, redis_server
from tests.support.scenario import MakeHarness

PM = "pm_1IixtoEw0yMev2I0jGzoT9Js"
__all__ = ["redis_server"]  # the fixture, for the test with two processes
RUNNER = "U0RUNNER"
STEP = StepFunction(CALLBACK_ID, "Save card to wallet", INPUTS, OUTPUTS)


def step_event(standin: SlackStandIn, scenario: Harness, **inputs: Any) -> tuple[StepExecution, JSON]:
    """A workflow reaching the step: its execution in the stand-in, and the event Slack sends for it."""
    execution = standin.start_step(OUTPUTS)
    given = {"order": "1001", "payment_method_id": PM, "user_id": RUNNER, **inputs}
    event = function_executed(
        scenario.who(RUNNER),
        STEP,
        {key: value for key, value in given.items() if value is not None},
        function_execution_id=execution.function_execution_id,
        bot_access_token=execution.token,
    )
    return execution, event


async def run_step(scenario: Harness, **inputs: Any) -> StepExecution:
    execution, event = step_event(scenario.standin, scenario, **inputs)
    assert (await scenario.event(event)).status == 200
    await scenario.settle()
    return execution


def creates(scenario: Harness) -> int:
    return sum(1 for r in scenario.sandbox.requests if r.method == "POST" and r.path == "/api/stripe_payments")


async def test_the_step_saves_the_card_and_completes_with_its_outputs(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_AUDIT_CHANNEL="C0AUDIT")

    execution = await run_step(scenario, reason="workflow: phone order")

    [saved] = scenario.sandbox.wallet(DEMO.alice.id)
    assert execution.completions == [
        {"outputs": {"wallet_entry_id": saved.id, "card": "Mastercard •••• 3429 · exp 10/2028"}}
    ]
    audit = [m.text for m in scenario.standin.messages if m.channel == "C0AUDIT"]
    assert len(audit) == 1 and f"<@{RUNNER}> saved card" in audit[0] and "workflow: phone order" in audit[0]
    [payment] = scenario.sandbox.stripe_payments_for(DEMO.happy.id)
    assert payment.metadata["slack_user_id"] == RUNNER, "Commerce Layer records who ran it"
    [completion] = scenario.standin.calls_to("functions.completeSuccess")
    assert completion.ok and PM not in completion.body


async def test_a_guest_order_fails_the_step_with_the_commands_message(scenario: Harness) -> None:
    await scenario.command(f"save 1002 {PM}")
    await scenario.settle()
    told_by_command = texts(scenario.last_message().blocks)

    execution = await run_step(scenario, order="1002")

    [completion] = execution.completions
    error = completion["error"]
    what, _, rest = error.partition(" Nothing was changed")
    assert "guest" in what and escape(what) in told_by_command, "the refusal the command shows"
    assert rest, "and that nothing was changed"
    assert PM not in error
    assert creates(scenario) == 0


async def test_a_user_off_the_allow_list_is_refused(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_ALLOWED_USERS="U0ALLOWED")

    execution = await run_step(scenario)

    [completion] = execution.completions
    assert "You are not on Wallet bot's allow-list" in completion["error"]
    assert f"({RUNNER})" in completion["error"]
    assert [r.path for r in scenario.sandbox.requests if r.path.startswith("/api/")] == []


async def test_bad_inputs_fail_the_step_before_commerce_layer_is_asked(scenario: Harness) -> None:
    execution = await run_step(scenario, payment_method_id="card_1234 oops")

    [completion] = execution.completions
    assert "pm_" in completion["error"]
    assert [r.path for r in scenario.sandbox.requests if r.path.startswith("/api/")] == []


async def test_a_required_reason_is_required_of_the_step_too(make_harness: MakeHarness) -> None:
    scenario = await make_harness(WALLET_REQUIRE_REASON="true")

    execution = await run_step(scenario)

    assert execution.completions == [{"error": "A reason is required with every change here: say why it is made."}]


async def test_a_retried_event_saves_and_completes_once(scenario: Harness) -> None:
    execution, event = step_event(scenario.standin, scenario)

    first = await scenario.event(event)
    retry = await scenario.event(event, retry_num=1, retry_reason="http_timeout")
    await scenario.settle()

    assert (first.status, retry.status) == (200, 200)
    assert len(execution.completions) == 1 and "outputs" in execution.completions[0]
    assert creates(scenario) == 1
    assert len(scenario.standin.calls_to("functions.completeSuccess")) == 1


async def test_two_deliveries_racing_save_and_complete_once(scenario: Harness) -> None:
    execution, event = step_event(scenario.standin, scenario)

    await asyncio.gather(scenario.event(event), scenario.event(event, retry_num=1))
    await scenario.settle()

    assert len(execution.completions) == 1
    assert creates(scenario) == 1


async def test_deliveries_to_two_processes_save_and_complete_once(
    make_harness: MakeHarness, redis_server: RedisServer
) -> None:
    a = await make_harness(REDIS_URL=redis_server.url)
    b = await make_harness(REDIS_URL=redis_server.url)
    execution, event = step_event(a.standin, a)
    b.standin.executions[execution.function_execution_id] = execution  # one Slack, seen by both processes

    await asyncio.gather(a.event(event), b.event(event, retry_num=1, retry_reason="http_timeout"))
    await asyncio.gather(a.settle(), b.settle())

    assert len(execution.completions) == 1
    assert creates(a) == 1  # a and b share the one sandbox: its requests are both processes'
    completions = a.standin.calls_to("functions.completeSuccess") + b.standin.calls_to("functions.completeSuccess")
    assert len(completions) == 1
