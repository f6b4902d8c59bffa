"""The Commerce Layer client against the sandbox: tokens, retries, errors, escaping."""

from __future__ import annotations

import asyncio
import socket

import pytest
from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

from bot.commercelayer import (
    AuthenticationFailed,
    ClientConfig,
    CommerceLayer,
    Credentials,
    NotFound,
    PermissionDenied,
    Unavailable,
    ValidationFailed,
    api_path,
)
from bot.commercelayer.jsonapi import Document
from bot.sandbox import DEMO, FaultKind, Sandbox
from tests.conftest import FAST_RETRY, make_client


async def test_concurrent_callers_share_one_token_request(cl: CommerceLayer, sandbox: Sandbox) -> None:
    await asyncio.gather(*(cl.get(api_path("orders", DEMO.happy.id)) for _ in range(20)))
    assert sandbox.count("POST", "^/oauth/token$") == 1


async def test_mode_and_base_url_come_from_the_token(sandbox_url: str, sandbox: Sandbox) -> None:
    client = make_client(sandbox_url)
    try:
        token = await client.token()
        assert token.mode == "test"
        assert token.organization_slug == DEMO.slug
        assert DEMO.client_secret not in repr(token)
        assert token.value not in repr(token)
    finally:
        await client.aclose()


async def test_wrong_credentials_fail_without_echoing_the_secret(sandbox_url: str) -> None:
    client = CommerceLayer(
        ClientConfig(Credentials(DEMO.client_id, "wrong-secret-123", sandbox_url), sandbox_url, FAST_RETRY)
    )
    try:
        with pytest.raises(AuthenticationFailed) as caught:
            await client.get(api_path("orders"))
        assert "wrong-secret-123" not in str(caught.value)
        assert "CL_CLIENT_SECRET" in str(caught.value)
    finally:
        await client.aclose()


async def test_not_found_and_validation_are_typed(cl: CommerceLayer) -> None:
    with pytest.raises(NotFound):
        await cl.get(api_path("orders", "nOsUcHoRdEr"))
    with pytest.raises(ValidationFailed, match=r"INVALID_INCLUDE|include"):
        await cl.get(api_path("orders", DEMO.happy.id), {"include": "nonsense"})


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_reads_recover_from_transient_failures(cl: CommerceLayer, sandbox: Sandbox, status: int) -> None:
    sandbox.inject_fault("GET", r"^/api/orders/", FaultKind.STATUS, status=status, times=2)
    doc = await cl.get(api_path("orders", DEMO.happy.id))
    assert doc.first is not None and doc.first.attr("number") == "1001"
    assert sandbox.count("GET", r"^/api/orders/") == 3


async def test_reads_recover_from_a_dropped_connection(cl: CommerceLayer, sandbox: Sandbox) -> None:
    sandbox.inject_fault("GET", r"^/api/orders/", FaultKind.DROP, times=1)
    doc = await cl.get(api_path("orders", DEMO.happy.id))
    assert doc.first is not None


async def test_retries_are_bounded(cl: CommerceLayer, sandbox: Sandbox) -> None:
    sandbox.inject_fault("GET", r"^/api/orders/", FaultKind.STATUS, status=503, times=None)
    with pytest.raises(Unavailable):
        await cl.get(api_path("orders", DEMO.happy.id))
    assert sandbox.count("GET", r"^/api/orders/") == FAST_RETRY.attempts


async def test_a_failed_first_try_is_the_first_of_the_counted_attempts(cl: CommerceLayer, sandbox: Sandbox) -> None:
    """The first try runs outside stamina; when it fails, stamina still counts it, and waits before the next."""
    scheduled: list[RetryDetails] = []
    hooks = get_on_retry_hooks()
    set_on_retry_hooks([scheduled.append])
    try:
        sandbox.inject_fault("GET", r"^/api/orders/", FaultKind.STATUS, status=503, times=1)
        await cl.get(api_path("orders", DEMO.happy.id))
    finally:
        set_on_retry_hooks(hooks)
    assert [(retry.retry_num, type(retry.caused_by)) for retry in scheduled] == [(1, Unavailable)]
    assert scheduled[0].wait_for >= FAST_RETRY.wait_initial
    assert sandbox.count("GET", r"^/api/orders/") == 2


async def create_stripe_source(client: CommerceLayer) -> Document:
    return await client.create(
        "stripe_payments",
        {"options": {"id": "pm_card_visa", "setup_future_usage": "off_session"}},
        {"order": ("orders", DEMO.happy.id)},
    )


async def test_a_create_is_not_repeated_after_an_unclear_failure(cl: CommerceLayer, sandbox: Sandbox) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=500)
    with pytest.raises(Unavailable) as caught:
        await create_stripe_source(cl)
    assert caught.value.maybe_applied
    assert sandbox.count("POST", "^/api/stripe_payments$") == 1


async def test_a_create_whose_connection_drops_is_reported_as_maybe_applied(
    cl: CommerceLayer, sandbox: Sandbox
) -> None:
    # The request left: Commerce Layer may have created the source, so it is neither repeated nor
    # reported as "nothing changed".
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.DROP)
    with pytest.raises(Unavailable, match="lost the connection") as caught:
        await create_stripe_source(cl)
    assert caught.value.maybe_applied
    assert sandbox.count("POST", "^/api/stripe_payments$") == 1


async def test_a_request_that_never_connected_is_known_to_have_changed_nothing(sandbox_url: str) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    client = CommerceLayer(
        ClientConfig(
            Credentials(DEMO.client_id, DEMO.client_secret, sandbox_url), f"http://127.0.0.1:{closed_port}", FAST_RETRY
        )
    )
    try:
        with pytest.raises(Unavailable) as caught:
            await create_stripe_source(client)
        assert not caught.value.maybe_applied
    finally:
        await client.aclose()


async def test_a_timeout_is_reported_as_unavailable(sandbox_url: str, sandbox: Sandbox) -> None:
    from dataclasses import replace

    client = make_client(sandbox_url, replace(FAST_RETRY, attempts=1, request_timeout=0.3))
    sandbox.inject_fault("GET", r"^/api/orders/", FaultKind.TIMEOUT, hold=2.0)
    try:
        with pytest.raises(Unavailable, match="timed out"):
            await client.get(api_path("orders", DEMO.happy.id))
    finally:
        await client.aclose()


async def test_path_segments_are_escaped(cl: CommerceLayer, sandbox: Sandbox) -> None:
    with pytest.raises(NotFound):
        await cl.get(api_path("orders", "../customers?x=1#y"))
    # One segment on the wire: its "/", "?" and "#" stay escaped ("=", allowed in a path, may go as is).
    assert sandbox.requests[-1].raw_path.replace("%3D", "=").startswith("/api/orders/..%2Fcustomers%3Fx=1%23y")


async def test_pagination_reads_every_page(cl: CommerceLayer) -> None:
    doc = await cl.get_all(api_path("customers", DEMO.carol.id, "customer_payment_sources"))
    assert len(doc.data) == DEMO.carol_card_count
    assert len({item.id for item in doc.data}) == DEMO.carol_card_count


async def test_a_permission_refusal_is_not_retried_nor_taken_for_an_expired_token(
    cl: CommerceLayer, sandbox: Sandbox
) -> None:
    sandbox.inject_fault("POST", r"^/api/stripe_payments$", FaultKind.STATUS, status=401, code="UNAUTHORIZED")
    with pytest.raises(PermissionDenied, match="UNAUTHORIZED"):
        await create_stripe_source(cl)
    assert sandbox.count("POST", "^/api/stripe_payments$") == 1
    assert sandbox.count("POST", "^/oauth/token$") == 1
