"""/_sandbox/: control of a sandbox running in another process (benchmarks). Not Commerce Layer."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.sandbox.faults import FaultKind
from bot.sandbox.keys import SANDBOX_KEY

_FAULT_FIELDS = {"method", "path", "kind", "status", "times", "skip", "hold", "code"}


def _json(doc: object, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(doc).encode(), status=status, content_type="application/json")


def _bad(message: str) -> web.Response:
    return _json({"error": message}, 400)


async def _object_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if request.body_exists else {}
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


async def stats(request: web.Request) -> web.StreamResponse:
    return _json(request.app[SANDBOX_KEY].stats())


async def config(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    try:
        sandbox.configure(await _object_body(request))
    except ValueError as exc:
        return _bad(str(exc))
    current = {"latency": sandbox.latency, "rate_limits": sandbox.rate_limits}
    return _json({**current, "token_lifetime": sandbox.token_lifetime})


async def add_fault(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    try:
        body = await _object_body(request)
        unknown = set(body) - _FAULT_FIELDS
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        if "path" not in body or "kind" not in body:
            raise ValueError("path and kind are required")
        body["kind"] = FaultKind(body["kind"])
        sandbox.inject_fault(**body)
    except (ValueError, TypeError) as exc:
        return _bad(str(exc))
    return _json({"faults": len(sandbox.faults)}, 201)


async def clear_faults(request: web.Request) -> web.StreamResponse:
    request.app[SANDBOX_KEY].clear_faults()
    return web.Response(status=204)


async def add_orders(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    try:
        body = await _object_body(request)
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10_000:
            raise ValueError("count must be an integer from 1 to 10000")
        email = str(body.get("customer_email", "load@example.com"))
        with_stripe = bool(body.get("with_stripe_method", True))
    except ValueError as exc:
        return _bad(str(exc))
    orders = [sandbox.add_order(customer_email=email, with_stripe_method=with_stripe) for _ in range(count)]
    return _json([{"id": o.id, "number": o.number} for o in orders], 201)


async def reset_requests(request: web.Request) -> web.StreamResponse:
    request.app[SANDBOX_KEY].reset_requests()
    return web.Response(status=204)


async def expire_tokens(request: web.Request) -> web.StreamResponse:
    request.app[SANDBOX_KEY].expire_tokens()
    return web.Response(status=204)


def register(app: web.Application) -> None:
    router = app.router
    router.add_get("/_sandbox/stats", stats)
    router.add_post("/_sandbox/config", config)
    router.add_post("/_sandbox/faults", add_fault)
    router.add_delete("/_sandbox/faults", clear_faults)
    router.add_post("/_sandbox/orders", add_orders)
    router.add_post("/_sandbox/reset-requests", reset_requests)
    router.add_post("/_sandbox/expire-tokens", expire_tokens)
