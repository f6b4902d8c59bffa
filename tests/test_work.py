"""WorkTracker: answers first, then the work after them; shutdown waits for that work."""

from __future__ import annotations

import asyncio

from bot.work import WorkTracker


async def test_work_after_an_answer_waits_for_the_answers_still_owed() -> None:
    tracker = WorkTracker(answer_patience=30)
    order: list[str] = []

    async def follow_up() -> None:
        await tracker.after_answers()
        order.append("follow-up")

    with tracker.answering():
        waiting = asyncio.create_task(follow_up())
        await asyncio.sleep(0.05)
        order.append("answered")
    await asyncio.wait_for(waiting, 5)
    assert order == ["answered", "follow-up"]


async def test_with_nothing_owed_the_work_goes_on_at_once() -> None:
    tracker = WorkTracker(answer_patience=30)
    with tracker.answering():
        pass
    await asyncio.wait_for(tracker.after_answers(), 1)


async def test_a_request_never_answered_holds_the_work_back_only_for_its_patience() -> None:
    tracker = WorkTracker(answer_patience=0.05)
    with tracker.answering():
        await asyncio.wait_for(tracker.after_answers(), 5)


async def test_shutdown_sees_work_in_flight_until_it_ends() -> None:
    tracker = WorkTracker()
    release = asyncio.Event()

    async def work() -> None:
        async with tracker.track():
            await release.wait()

    task = asyncio.create_task(work())
    await asyncio.sleep(0)
    assert tracker.in_flight == 1
    assert await tracker.wait_idle(0.05) is False
    release.set()
    assert await tracker.wait_idle(5) is True
    await task
    assert tracker.in_flight == 0
