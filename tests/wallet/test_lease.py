"""A save holds its order's lease: it stops before a write once the lease is over, it is refused when the
shared state can't be reached, and saves of one order from two processes create one source."""

from __future__ import annotations

import asyncio

import pytest

from bot.commercelayer import CommerceLayer
from bot.sandbox import DEMO, Sandbox
from bot.state.lease import LeaseTerms
from bot.state.local import InProcessState
from bot.state.redis import RedisState, redis_client
from bot.wallet import SaveFailed, Wallet, parse_customer_ref
from tests.conftest import ACTOR, make_client
from tests.support.redis_server import RedisServer
from tests.wallet.helpers import PM, api_requests, order


async def test_a_save_whose_lease_ran_out_stops_before_its_next_write(cl: CommerceLayer, sandbox: Sandbox) -> None:
    # Every request takes a second; the lease leaves time for one write, not two.
    sandbox.latency = 1.0
    short = Wallet(cl, InProcessState(LeaseTerms(deadline=2.5)))
    with pytest.raises(SaveFailed) as stopped:
        await short.save(order("1006"), PM, ACTOR)  # no payment method yet: set it, then create the source
    error = stopped.value
    assert "stopped before it could create the Stripe payment source" in error.what
    assert "its time ran out" in error.what
    assert error.changed == ("The order's payment method was set to Stripe card.",)
    assert error.unchanged == ("Nothing else was changed.",)
    assert "Run the same command again" in error.next_step
    assert sandbox.count("POST", "^/api/stripe_payments$") == 0

    sandbox.latency = 0.0
    result = await Wallet(cl).save(order("1006"), PM, ACTOR)  # run again: it finishes
    assert result.created_source
    assert len(sandbox.stripe_payments_for(DEMO.no_method.id)) == 1


async def test_without_the_shared_state_a_save_changes_nothing_and_reads_go_on(
    cl: CommerceLayer, sandbox: Sandbox, redis_server: RedisServer
) -> None:
    wallet = Wallet(cl, RedisState(redis_client(redis_server.url)))
    redis_server.stop()
    try:
        with pytest.raises(SaveFailed) as refused:
            await wallet.save(order("1001"), PM, ACTOR)
        assert "shared state (Redis) can't be reached" in refused.value.what
        assert refused.value.unchanged == ("Nothing was changed in Commerce Layer.",)
        assert "Try again in a minute" in refused.value.next_step
        assert [method for method, _ in api_requests(sandbox)] == ["GET"]  # the order was read, nothing written
        preview = await wallet.preview(order("1001"))
        assert preview.blocker is None
        assert (await wallet.sources(parse_customer_ref("bob@example.com"))).wallet
    finally:
        redis_server.start()


async def test_two_processes_saving_one_order_create_one_source(
    sandbox: Sandbox, sandbox_url: str, redis_server: RedisServer
) -> None:
    sandbox.latency = 0.05
    clients = [make_client(sandbox_url), make_client(sandbox_url)]
    # Each process has its own client and its own connection to Redis, as two dynos do.
    wallets = [Wallet(client, RedisState(redis_client(redis_server.url))) for client in clients]
    results = await asyncio.gather(*(wallet.save(order("1001"), PM, ACTOR) for wallet in wallets * 3))
    assert sandbox.count("POST", "^/api/stripe_payments$") == 1
    assert len(sandbox.stripe_payments_for(DEMO.happy.id)) == 1
    assert sum(not result.already_in_wallet for result in results) == 1
    for client in clients:
        await client.aclose()
