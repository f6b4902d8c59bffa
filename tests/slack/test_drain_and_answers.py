"""Drain and AnswersFirst (bot/slack/): work is counted from the moment it is scheduled, and the work
after a burst waits until the burst is answered."""

from __future__ import annotations

import asyncio

from bot.slack.answers import AnswersFirst
from bot.slack.drain import Drain


async def test_work_after_an_answer_waits_for_the_answers_still_owed() -> None:
    answers = AnswersFirst(patience=30)
    order: list[str] = []

    async def follow_up() -> None:
        await answers.wait()
        order.append("follow-up")

    with answers.answering():
        waiting = asyncio.create_task(follow_up())
        await asyncio.sleep(0.05)
        order.append("answered")
    await asyncio.wait_for(waiting, 5)
    assert order == ["answered", "follow-up"]


async def test_with_nothing_owed_the_work_goes_on_at_once() -> None:
    answers = AnswersFirst(patience=30)
    with answers.answering():
        pass
    await asyncio.wait_for(answers.wait(), 1)


async def test_a_request_never_answered_holds_the_work_back_only_for_its_patience() -> None:
    answers = AnswersFirst(patience=0.05)
    with answers.answering():
        await asyncio.wait_for(answers.wait(), 5)


async def test_work_is_counted_before_it_has_started() -> None:
    drain = Drain()
    started = asyncio.Event()
    release = asyncio.Event()

    async def work() -> None:
        started.set()
        await release.wait()

    drain.start(work())
    # SIGTERM could arrive right now, before the work's first turn: it must already be waited for.
    assert not started.is_set()
    assert drain.in_flight == 1
    assert await drain.wait_idle(0.05) is False
    assert started.is_set()
    release.set()
    assert await drain.wait_idle(5) is True
    assert drain.in_flight == 0


async def test_failed_work_leaves_the_count_too() -> None:
    drain = Drain()

    async def work() -> None:
        raise RuntimeError("boom")

    drain.start(work())
    assert await drain.wait_idle(5) is True
    assert drain.in_flight == 0
