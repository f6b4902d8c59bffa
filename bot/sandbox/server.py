"""Commerce Layer over HTTP: aiohttp routes, and the pipeline every request goes through
(latency, faults, rate limits, authentication, content negotiation, JSON:API errors)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.sandbox import control, operations
from bot.sandbox.core import RecordedRequest, Sandbox
from bot.sandbox.errors import ApiError, error, for_status, invalid_token, not_found, too_many_requests
from bot.sandbox.faults import Fault, FaultKind
from bot.sandbox.jsonapi import RELATIONSHIPS, Renderer, page_count, page_links, parse_query, refs_of, select
from bot.sandbox.keys import CLOSING_KEY, SANDBOX_KEY, pause
from bot.sandbox.models import TYPES, Resource
from bot.sandbox.ratelimit import Decision, Limit, RateLimitPolicy
from bot.serve_aiohttp import AiohttpServing, serve_aiohttp

JSONAPI = "application/vnd.api+json"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SECRET_FIELDS = ("client_secret", "password", "refresh_token")
# The parsed body (JSON, or form for /oauth/token), and whether it failed to parse as JSON.
BODY_KEY = web.RequestKey("body", object)
INVALID_JSON_KEY = web.RequestKey("invalid_json", bool)


def json_response(doc: object, status: int = 200, content_type: str = JSONAPI) -> web.Response:
    return web.Response(body=json.dumps(doc).encode(), status=status, content_type=content_type)


def error_response(exc: ApiError) -> web.Response:
    return json_response(exc.to_json(), exc.status)


def route_key(method: str, path: str) -> str:
    """The endpoint a request hits, ids replaced: "GET /api/orders/:id/available_payment_methods"."""
    parts = path.split("/")
    if len(parts) > 3 and parts[1] == "api":
        parts[3] = ":id"
    return f"{method} {'/'.join(parts)}"


# ---- the pipeline ----------------------------------------------------------------------------


@web.middleware
async def pipeline(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox/"):  # the control API: not Commerce Layer, not recorded
        return await handler(request)
    sandbox = request.app[SANDBOX_KEY]
    body = await _read_body(request)
    record = RecordedRequest(
        method=request.method,
        path=request.path,
        raw_path=request.raw_path,
        query=dict(request.query),
        body=_redacted(body),
        status=None,
        at=time.monotonic(),
        route=route_key(request.method, request.path),
    )
    try:
        return await _serve(request, handler, sandbox, record)
    finally:
        sandbox.requests.append(record)


async def _serve(
    request: web.Request, handler: Handler, sandbox: Sandbox, record: RecordedRequest
) -> web.StreamResponse:
    await pause(request.app, sandbox.latency)
    fault = sandbox.faults.take(request.method, request.path)
    record.fault = fault.kind if fault else None
    if fault is not None and fault.kind in (FaultKind.DROP, FaultKind.TIMEOUT):
        if fault.kind is FaultKind.TIMEOUT:
            await pause(request.app, fault.hold)
        return _drop(request)
    is_status_fault = fault is not None and fault.kind is FaultKind.STATUS
    decision = _rate_limit(request, sandbox, record.route, count=not is_status_fault)
    response: web.StreamResponse
    if fault is not None and is_status_fault:
        response = _fault_response(fault, decision)
    elif not decision.allowed:
        limit = decision.exceeded or decision.limit
        response = error_response(too_many_requests(limit.requests, limit.interval))
    else:
        response = await _handle(request, handler, sandbox)
    for name, value in decision.headers().items():
        response.headers.setdefault(name, value)  # an injected 429 already says Remaining: 0
    if fault is not None and fault.kind is FaultKind.LOST_RESPONSE:
        return _drop(request)
    record.status = response.status
    return response


def _drop(request: web.Request) -> web.StreamResponse:
    """Closes the connection: the client sees it closed without any response."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)  # never sent: the transport is closed


def _fault_response(fault: Fault, decision: Decision) -> web.Response:
    response = error_response(for_status(fault.status, "Injected by the sandbox.", fault.code))
    if fault.status == 429:
        response.headers.update(Decision(False, decision.limit, 0).headers())
    return response


_UNLIMITED = RateLimitPolicy.unlimited()


def _rate_limit(request: web.Request, sandbox: Sandbox, route: str, count: bool) -> Decision:
    """Counts the request in its windows: the token endpoint's, or its class's average and its
    endpoint's burst (the route: method and path with the id replaced; Inferred.BURST_PER_ROUTE).
    Every read the sandbox serves is uncacheable (Inferred.SERVED_READS_UNCACHEABLE)."""
    policy = sandbox.rate_limit_policy if sandbox.rate_limits else _UNLIMITED
    buckets: list[tuple[str, Limit]]
    if request.path == "/oauth/token":
        buckets = [("oauth", policy.oauth)]  # Inferred.TOKEN_ENDPOINT_HEADERS
    elif request.method in ("GET", "HEAD"):
        buckets = [(f"read {route}", policy.read_burst), ("read", policy.read_average)]
    else:
        buckets = [(f"write {route}", policy.write_burst), ("write", policy.write_average)]
    client = request.remote or "unknown"  # Commerce Layer counts per IP
    return sandbox.limiter.hit(client, buckets, enforce=sandbox.rate_limits, count=count)


async def _handle(request: web.Request, handler: Handler, sandbox: Sandbox) -> web.StreamResponse:
    try:
        if request.path.startswith("/api/"):
            _check_api_request(request, sandbox)
        return await handler(request)
    except ApiError as exc:
        return error_response(exc)
    except web.HTTPException as exc:  # the router's 404 and 405
        return error_response(for_status(exc.status, exc.reason))


def _check_api_request(request: web.Request, sandbox: Sandbox) -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or sandbox.tokens.verify(token.strip()) is None:
        raise invalid_token()
    accepted = [part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")]
    if JSONAPI not in accepted:
        detail = f"All requests must use the '{JSONAPI}' Accept header. This request specified '{request.headers.get('Accept', '')}'."
        raise error(406, "NOT_ACCEPTABLE", "Not acceptable", detail)
    if request.method in ("POST", "PATCH") and request.content_type != JSONAPI:
        detail = f"All requests that create or update must use the '{JSONAPI}' Content-Type. This request specified '{request.content_type}'."
        raise error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type", detail)


async def _read_body(request: web.Request) -> Any:
    """The parsed body (JSON or form), kept on the request; request[INVALID_JSON_KEY] if unparseable."""
    request[INVALID_JSON_KEY] = False
    request[BODY_KEY] = None
    if not request.body_exists:
        return None
    raw = await request.read()
    if request.content_type == "application/x-www-form-urlencoded":
        request[BODY_KEY] = dict(parse_qsl(raw.decode(errors="replace")))
        return request[BODY_KEY]
    try:
        request[BODY_KEY] = json.loads(raw)
    except ValueError:
        request[INVALID_JSON_KEY] = True
    return request[BODY_KEY]


def _redacted(body: Any) -> Any:
    if isinstance(body, dict) and any(name in body for name in _SECRET_FIELDS):
        return {k: "[FILTERED]" if k in _SECRET_FIELDS else v for k, v in body.items()}
    return body


def _body(request: web.Request) -> Any:
    if request[INVALID_JSON_KEY]:
        raise error(400, "BAD_REQUEST", "Bad request", "The request body is not valid JSON.")
    return request[BODY_KEY]


# ---- authentication --------------------------------------------------------------------------


async def token_handler(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX_KEY]
    params = _body(request)
    if not isinstance(params, dict):
        raise error(400, "INVALID_REQUEST", "Invalid request", "The request body must be a JSON object.")
    if params.get("grant_type") != "client_credentials":
        detail = "The authorization grant type is not supported by the authorization server."
        raise error(400, "UNSUPPORTED_GRANT_TYPE", "Unsupported grant type", detail)
    creds = sandbox.credentials
    if params.get("client_id") != creds.client_id or params.get("client_secret") != creds.client_secret:
        detail = (
            "Client authentication failed due to unknown client, no client authentication included, "
            "or unsupported authentication method."
        )
        raise error(401, "INVALID_CLIENT", "Invalid client", detail)
    scope = params.get("scope") or "market:all"
    return json_response(sandbox.tokens.issue(str(scope), sandbox.token_lifetime), content_type="application/json")


# ---- reads -----------------------------------------------------------------------------------


def _renderer(request: web.Request, query: Any) -> Renderer:
    sandbox = request.app[SANDBOX_KEY]
    meta = {"mode": sandbox.mode, "organization_id": sandbox.credentials.organization_id}
    return Renderer(sandbox.store, f"{request.scheme}://{request.host}", meta, query)


def _list_response(request: web.Request, type_: str, records: list[Resource] | None) -> web.Response:
    query = parse_query(request.query.items(), type_, listing=True)
    selected = select(request.app[SANDBOX_KEY].store, type_, query, records)
    pages = page_count(len(selected), query.page_size)
    start = (query.page_number - 1) * query.page_size
    doc = _renderer(request, query).document(selected[start : start + query.page_size])
    doc["meta"] = {"record_count": len(selected), "page_count": pages}
    doc["links"] = page_links(request.url, query, pages)
    return json_response(doc)


def _single_response(request: web.Request, type_: str, record: Resource | None, status: int = 200) -> web.Response:
    query = parse_query(request.query.items(), type_, listing=False)
    return json_response(_renderer(request, query).document(record), status)


def _find(request: web.Request, type_: str) -> Resource:
    record = request.app[SANDBOX_KEY].store.get(type_, request.match_info["id"])
    if record is None:
        raise not_found()
    return record


def list_route(type_: str) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return _list_response(request, type_, None)

    return handle


def retrieve_route(type_: str) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return _single_response(request, type_, _find(request, type_))

    return handle


def related_route(type_: str, name: str) -> Handler:
    """GET /api/<type>/<id>/<relationship>: a list for to-many, a single resource (or null) for to-one."""
    spec = RELATIONSHIPS[type_][name]

    async def handle(request: web.Request) -> web.StreamResponse:
        store = request.app[SANDBOX_KEY].store
        refs = refs_of(spec.resolve(store, _find(request, type_)))
        records = [r for r in (store.get(*ref) for ref in refs) if r is not None]
        if spec.many:
            return _list_response(request, spec.targets[0], records)
        target = records[0] if records else None
        return _single_response(request, target.TYPE if target else spec.targets[0], target)

    return handle


# ---- writes ----------------------------------------------------------------------------------


def _write_query(request: web.Request, type_: str) -> None:
    """Checks include/fields before changing anything: a bad include must not half-apply a write."""
    parse_query(request.query.items(), type_, listing=False)


async def create_stripe_payment(request: web.Request) -> web.StreamResponse:
    _write_query(request, "stripe_payments")
    payment = operations.create_stripe_payment(request.app[SANDBOX_KEY].store, _body(request))
    return _single_response(request, payment.TYPE, payment, 201)


async def update_stripe_payment(request: web.Request) -> web.StreamResponse:
    _write_query(request, "stripe_payments")
    store = request.app[SANDBOX_KEY].store
    payment = operations.update_stripe_payment(store, request.match_info["id"], _body(request))
    return _single_response(request, payment.TYPE, payment)


async def update_order(request: web.Request) -> web.StreamResponse:
    _write_query(request, "orders")
    order = operations.update_order(request.app[SANDBOX_KEY].store, request.match_info["id"], _body(request))
    return _single_response(request, order.TYPE, order)


async def delete_customer_payment_source(request: web.Request) -> web.StreamResponse:
    operations.delete_customer_payment_source(request.app[SANDBOX_KEY].store, request.match_info["id"])
    return web.Response(status=204)


# ---- the application and its server ----------------------------------------------------------


def build_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[pipeline])
    app[SANDBOX_KEY] = sandbox
    app[CLOSING_KEY] = asyncio.Event()
    router = app.router
    router.add_post("/oauth/token", token_handler)
    router.add_post("/api/stripe_payments", create_stripe_payment)
    router.add_patch("/api/stripe_payments/{id}", update_stripe_payment)
    router.add_patch("/api/orders/{id}", update_order)
    router.add_delete("/api/customer_payment_sources/{id}", delete_customer_payment_source)
    for type_ in TYPES:
        router.add_get(f"/api/{type_}", list_route(type_))
        router.add_get(f"/api/{type_}/{{id}}", retrieve_route(type_))
        for name in RELATIONSHIPS[type_]:
            router.add_get(f"/api/{type_}/{{id}}/{name}", related_route(type_, name))
    control.register(app)
    return app


@dataclass
class SandboxServer:
    sandbox: Sandbox
    url: str
    _serving: AiohttpServing
    _app: web.Application

    async def stop(self) -> None:
        self._app[CLOSING_KEY].set()  # ends held requests first, so shutdown doesn't wait for them
        await self._serving.stop()


async def start_sandbox(sandbox: Sandbox | None = None, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
    """Serves `sandbox` in the current event loop; port 0 picks a free port."""
    sandbox = sandbox or Sandbox()
    app = build_app(sandbox)
    serving = await serve_aiohttp(app, host, port, shutdown_timeout=1.0)
    return SandboxServer(sandbox, serving.url, serving, app)
