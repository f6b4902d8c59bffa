"""`python -m bot serve` with WEB_CONCURRENCY=2: two worker processes on one port, sharing one Redis."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.scaleout.cluster import PM, PRESSED_BEFORE, SAVED, Sent, cluster
from tests.support.harness import CHANNEL, USER
from tests.support.redis_server import RedisServer

DOUBLE_CLICKS = 10
SAVES_PER_WORKER = 2
MAX_CONNECTIONS = 300
EXIT_LIMIT = 30.0


async def test_one_confirm_double_clicked_through_one_port_with_two_workers_saves_once(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    async with cluster(tmp_path, redis_server) as c:
        (web,) = await c.start_all("web", workers=2)
        assert len(web.workers()) == 2
        orders = [c.order(f"workers{i}@example.com") for i in range(DOUBLE_CLICKS)]
        urls = [c.standin.new_response_url(CHANNEL, user_id=USER) for _ in orders]
        values = [c.confirm_value(order) for order in orders]
        # Each Confirm pressed twice at once, each press on a connection of its own: the two workers
        # take connections as they come.
        presses = await asyncio.gather(
            *(
                c.press(web, order, value, response_url=url, own_connection=True)
                for order, value, url in zip(orders, values, urls, strict=True)
                for _ in range(2)
            )
        )
        assert [sent.reply.status for sent in presses] == [200] * len(presses)
        await c.wait_finals(presses)

        for order, url in zip(orders, urls, strict=True):
            said = c.said(url)
            assert sum(SAVED in text for text in said) == 1, said
            assert sum(PRESSED_BEFORE in text for text in said) == 1, said
            assert c.stripe_payments(order) == 1
            assert c.wallet_cards(order) == [PM]
        assert c.sandbox.count("POST", "^/api/stripe_payments$") == DOUBLE_CLICKS


async def test_sigterm_drains_both_workers_and_exits_0(tmp_path: Path, redis_server: RedisServer) -> None:
    async with cluster(tmp_path, redis_server) as c:
        (web,) = await c.start_all("web", workers=2)
        c.sandbox.latency = 3.0  # each Commerce Layer request takes 3 s: every save is still in flight at SIGTERM
        # Saves go on connections whose worker is known (a burst tends to be accepted by one worker
        # alone, and so can dozens of connections in a row), until each worker has some in flight.
        wanted = dict.fromkeys(web.connections_by_worker(), SAVES_PER_WORKER)
        sent: list[Sent] = []
        for _ in range(MAX_CONNECTIONS):
            http, worker = await c.connect(web)
            if not wanted[worker]:
                await http.aclose()
                continue
            order = c.order(f"drain{len(sent)}@example.com")
            sent.append(await c.press(web, order, c.confirm_value(order), via=http))
            wanted[worker] -= 1
            if not any(wanted.values()):
                break
        assert len(wanted) == 2 and not any(wanted.values()), f"saves still wanted per worker: {wanted}"
        assert [one.reply.status for one in sent] == [200] * len(sent)
        assert all(c.final(one) == "" for one in sent)  # nothing finished yet

        web.terminate()
        code = await web.exited(EXIT_LIMIT)
        await c.wait_finals(sent)

        assert code == 0
        for one in sent:
            assert SAVED in c.final(one), c.final(one)
            assert c.stripe_payments(one.order) == 1
            assert c.wallet_cards(one.order) == [PM]
