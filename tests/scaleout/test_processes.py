"""Two or more `python -m bot serve` processes on one Redis: what users saw and what Commerce Layer got
when the same save reaches several processes at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from tests.scaleout.cluster import (
    ALREADY_IN_WALLET,
    OTHER_USER,
    PM,
    PRESSED_BEFORE,
    SAVED,
    cluster,
)
from tests.support.redis_server import RedisServer

DOUBLE_CLICKS = 10
ORDERS = 50
MASTERCARD = "pm_card_mastercard"


async def test_one_confirm_pressed_at_once_on_two_processes_saves_once(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    async with cluster(tmp_path, redis_server) as c:
        a, b = await c.start_all("a", "b")
        orders = [c.order(f"double{i}@example.com") for i in range(DOUBLE_CLICKS)]
        urls = [c.standin.new_response_url("C0CONSOLE", user_id="U0ALLOWED") for _ in orders]
        values = [c.confirm_value(order) for order in orders]
        # Each Confirm is pressed twice at once, once on each process: a double click that a
        # router spread over two dynos.
        presses = await asyncio.gather(
            *(
                c.press(bot, order, value, response_url=url)
                for order, value, url in zip(orders, values, urls, strict=True)
                for bot in (a, b)
            )
        )
        assert [sent.reply.status for sent in presses] == [200] * len(presses)
        await c.wait_finals(presses)

        for order, url in zip(orders, urls, strict=True):
            said = c.said(url)
            assert sum(SAVED in text for text in said) == 1, said
            assert sum(PRESSED_BEFORE in text for text in said) == 1, said
            assert len(said) == 2, said
            assert c.stripe_payments(order) == 1
            assert c.wallet_cards(order) == [PM]
        # Each save ran once: one create and one wallet save per order reached Commerce Layer.
        assert c.sandbox.count("POST", "^/api/stripe_payments$") == DOUBLE_CLICKS


async def test_100_saves_of_50_orders_spread_over_three_processes(tmp_path: Path, redis_server: RedisServer) -> None:
    async with cluster(tmp_path, redis_server) as c:
        bots = await c.start_all("a", "b", "c")
        orders = [c.order(f"spread{i}@example.com") for i in range(ORDERS)]
        # Two operators save each order at once, through the two surfaces and on two different
        # processes: one presses Confirm, the other submits the save modal.
        sends = []
        for i, order in enumerate(orders):
            sends.append(c.press(bots[i % 3], order, c.confirm_value(order)))
            sends.append(c.submit(bots[(i + 1) % 3], order, user=OTHER_USER))
        sent = await asyncio.gather(*sends)
        assert [one.reply.status for one in sent] == [200] * len(sent)
        await c.wait_finals(sent)

        for order in orders:
            finals = [c.final(one) for one in sent if one.order is order]
            kinds = Counter(
                SAVED if SAVED in text else ALREADY_IN_WALLET if ALREADY_IN_WALLET in text else text for text in finals
            )
            # One save added the card; the other found it there and said so.
            assert kinds == Counter({SAVED: 1, ALREADY_IN_WALLET: 1}), (order.number, finals)
            assert c.stripe_payments(order) == 1, order.number
            assert c.wallet_cards(order) == [PM]
        assert c.sandbox.count("POST", "^/api/stripe_payments$") == ORDERS
        # Every process took part.
        assert all(sum(one.bot is bot for one in sent) > 0 for bot in bots)


async def test_two_operators_with_two_cards_save_one_order_on_two_processes(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    async with cluster(tmp_path, redis_server) as c:
        a, b = await c.start_all("a", "b")
        orders = [c.order(f"two-operators{i}@example.com") for i in range(DOUBLE_CLICKS)]
        pairs = await asyncio.gather(
            *(
                asyncio.gather(
                    c.press(a, order, c.confirm_value(order, pm=PM), user="U0ALLOWED"),
                    c.submit(b, order, user=OTHER_USER, pm=MASTERCARD),
                )
                for order in orders
            )
        )
        await c.wait_finals(one for pair in pairs for one in pair)

        for order, (first, second) in zip(orders, pairs, strict=True):
            finals = [c.final(first), c.final(second)]
            # Whichever came first saved its card; the other was told the order holds another card's source.
            winner = 0 if SAVED in finals[0] else 1
            assert SAVED in finals[winner], finals
            assert "already has a Stripe payment source for another card" in finals[1 - winner], finals
            assert c.stripe_payments(order) == 1
            assert c.wallet_cards(order) == [(PM, MASTERCARD)[winner]]
        assert c.sandbox.count("POST", "^/api/stripe_payments$") == DOUBLE_CLICKS
