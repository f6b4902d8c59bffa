"""The stand-in's Events API side: views.publish and functions.complete* as Slack answers them, the
event payloads, and event delivery with Slack's retries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from bot.serve_aiohttp import serve_aiohttp
from bot.standin.events import deliver_event, post_event
from bot.standin.payloads import StepFunction, Who, app_home_opened, function_executed
from tests.standin.helpers import SECTION, error_of
from tests.support.standin import Slack

WHO = Who(user_id="U0ALLOWED", team_id="T0CONSOLE", channel_id="C0CONSOLE")
HOME = {"type": "home", "blocks": [SECTION]}
SECRET = "events-signing-secret"


async def test_views_publish_stores_the_users_home(slack: Slack) -> None:
    published = (await slack.client().views_publish(user_id="U0ALLOWED", view=HOME))["view"]

    assert published["type"] == "home" and published["hash"]
    assert slack.standin.home_view("U0ALLOWED") == published
    assert slack.standin.home_view("U0SOMEONE") is None
    again = (await slack.client().views_publish(user_id="U0ALLOWED", view=HOME, hash=published["hash"]))["view"]
    assert again["id"] == published["id"] and again["hash"] != published["hash"]
    assert slack.standin.modal_stack == [], "a Home tab is no modal"


async def test_views_publish_refuses_a_stale_hash(slack: Slack) -> None:
    first = (await slack.client().views_publish(user_id="U0ALLOWED", view=HOME))["view"]
    await slack.client().views_publish(user_id="U0ALLOWED", view=HOME)

    error = await error_of(slack.client().views_publish(user_id="U0ALLOWED", view=HOME, hash=first["hash"]))

    assert error["error"] == "hash_conflict"


async def test_views_publish_refuses_what_slack_refuses(slack: Slack) -> None:
    modal = {**HOME, "type": "modal"}
    too_many = {**HOME, "blocks": [SECTION] * 101}
    too_large = {**HOME, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}}] * 90}

    assert (await error_of(slack.client().views_publish(user_id="U0ALLOWED", view=modal)))["error"] == (
        "invalid_arguments"
    )
    refused = await error_of(slack.client().views_publish(user_id="U0ALLOWED", view=too_many))
    assert refused["error"] == "invalid_arguments"
    assert "no more than 100 items" in json.dumps(refused["response_metadata"])
    assert (await error_of(slack.client().views_publish(user_id="U0ALLOWED", view=too_large)))["error"] == (
        "view_too_large"
    )


async def test_views_publish_is_held_to_tier_4(slack: Slack) -> None:
    for _ in range(100):
        await slack.client().views_publish(user_id="U0ALLOWED", view=HOME)

    refused = await error_of(slack.client().views_publish(user_id="U0ALLOWED", view=HOME))
    slack.clock.advance(60.0)
    await slack.client().views_publish(user_id="U0ALLOWED", view=HOME)

    assert refused["error"] == "ratelimited"
    assert slack.standin.calls_to("views.publish")[100].status == 429


async def test_a_step_completes_once_with_its_declared_outputs(slack: Slack) -> None:
    run = slack.standin.start_step(("wallet_entry_id", "card"))
    step_client = slack.client(run.token)

    wrong = await error_of(
        step_client.functions_completeSuccess(function_execution_id=run.function_execution_id, outputs={"x": "1"})
    )
    outputs = {"wallet_entry_id": "cps1", "card": "Visa •••• 4242"}
    await step_client.functions_completeSuccess(function_execution_id=run.function_execution_id, outputs=outputs)
    twice = await error_of(
        slack.client().functions_completeError(function_execution_id=run.function_execution_id, error="no")
    )
    unknown = await error_of(step_client.functions_completeError(function_execution_id="Fx0UNKNOWN", error="no"))

    assert wrong["error"] == "parameter_validation_failed"
    assert run.completions == [{"outputs": outputs}]
    assert twice["error"] == "execution_not_in_running_state"
    assert unknown["error"] == "function_execution_not_found"


async def test_a_step_fails_with_its_error_and_an_unknown_token_is_refused(slack: Slack) -> None:
    run = slack.standin.start_step(("card",))

    refused = await error_of(
        slack.client("xwfp-not-a-token").functions_completeError(
            function_execution_id=run.function_execution_id, error="x"
        )
    )
    await slack.client(run.token).functions_completeError(function_execution_id=run.function_execution_id, error="No.")

    assert refused["error"] == "invalid_auth"
    assert run.completions == [{"error": "No."}]


def test_event_payloads_have_slacks_shape() -> None:
    opened = app_home_opened(WHO, view=HOME)
    step = StepFunction("save_card_to_wallet", "Save card", ("order",), ("card",))
    executed = function_executed(WHO, step, {"order": "1001"}, function_execution_id="Fx1", bot_access_token="xwfp-1")

    assert opened["type"] == "event_callback" and opened["event_id"].startswith("Ev")
    assert (opened["event"]["type"], opened["event"]["user"], opened["event"]["tab"]) == (
        "app_home_opened",
        "U0ALLOWED",
        "home",
    )
    assert opened["event"]["view"] == HOME
    event = executed["event"]
    assert (event["type"], event["function_execution_id"], event["bot_access_token"]) == (
        "function_executed",
        "Fx1",
        "xwfp-1",
    )
    assert event["function"]["callback_id"] == "save_card_to_wallet"
    assert [p["name"] for p in event["function"]["output_parameters"]] == ["card"]


@pytest.fixture
async def events_app() -> AsyncIterator[tuple[str, list[web.Request], list[int]]]:
    """An app's events URL that answers the statuses a test queues (then 200), recording each request."""
    received: list[web.Request] = []
    statuses: list[int] = []
    hang = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        received.append(request)
        status = statuses.pop(0) if statuses else 200
        if status == 0:  # never answers: Slack's deadline passes
            await hang.wait()
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    serving = await serve_aiohttp(app, "127.0.0.1", 0)
    yield serving.url + "/slack/events", received, statuses
    hang.set()
    await serving.stop()


async def test_an_answered_event_is_delivered_once(events_app: tuple[str, list[web.Request], list[int]]) -> None:
    url, received, _ = events_app
    async with httpx.AsyncClient() as http:
        attempts = await deliver_event(http, url, SECRET, app_home_opened(WHO), pauses=(0, 0, 0))

    assert [(a.retry_num, a.status, a.delivered) for a in attempts] == [(0, 200, True)]
    [request] = received
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Slack-Signature"].startswith("v0=")
    assert "X-Slack-Retry-Num" not in request.headers


async def test_a_failed_or_late_event_is_retried_with_slacks_headers(
    events_app: tuple[str, list[web.Request], list[int]],
) -> None:
    url, received, statuses = events_app
    statuses += [500, 0]
    async with httpx.AsyncClient() as http:
        attempts = await deliver_event(http, url, SECRET, app_home_opened(WHO), pauses=(0, 0, 0), deadline=0.5)

    assert [(a.retry_num, a.reason) for a in attempts] == [(0, "http_error"), (1, "http_timeout"), (2, None)]
    retries = [(r.headers.get("X-Slack-Retry-Num"), r.headers.get("X-Slack-Retry-Reason")) for r in received]
    assert retries == [(None, None), ("1", "http_error"), ("2", "http_timeout")]


async def test_slack_gives_up_after_three_retries(events_app: tuple[str, list[web.Request], list[int]]) -> None:
    url, received, statuses = events_app
    statuses += [503] * 5
    async with httpx.AsyncClient() as http:
        attempts = await deliver_event(http, url, SECRET, app_home_opened(WHO), pauses=(0, 0, 0))
        unreachable = await post_event(http, "http://127.0.0.1:9/slack/events", SECRET, app_home_opened(WHO))

    assert [a.retry_num for a in attempts] == [0, 1, 2, 3] and not attempts[-1].delivered
    assert len(received) == 4
    assert unreachable.reason == "connection_failed"
