"""A small async client for Commerce Layer's JSON:API: one connection pool, shared tokens, retries."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
import httpx
import stamina
import structlog
from httpx._client import UseClientDefault
from httpx_aiohttp import AiohttpTransport

from bot.commercelayer.auth import AccessToken, Credentials, TokenProvider
from bot.commercelayer.errors import (
    ApiErrorItem,
    CommerceLayerError,
    RateLimited,
    Unavailable,
    ValidationFailed,
    error_for_status,
)
from bot.commercelayer.jsonapi import Document, ResourceObject
from bot.commercelayer.pacing import NoTurn, Pacer, RateBudget, Turn
from bot.commercelayer.retry import RetryPolicy, pace_of, retryable

JSONAPI = "application/vnd.api+json"
PAGE_SIZE = 25  # Commerce Layer's maximum
MAX_PAGES = 400
MAX_CONNECTIONS = 512  # more than the requests one process keeps in flight, so none waits for a connection

log = structlog.get_logger("commercelayer")
_T = TypeVar("_T")
_deadline: ContextVar[float | None] = ContextVar("commercelayer_deadline", default=None)


@dataclass(frozen=True)
class ClientConfig:
    credentials: Credentials
    api_url: str | None = None  # None: https://<slug>.commercelayer.io from the token
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def api_path(*segments: str) -> str:
    """`/api/<segments>` with every segment escaped, so no input can add a path, query or fragment."""
    return "/api/" + "/".join(quote(segment, safe="") for segment in segments)


class _NotSent(Unavailable):
    """No turn under the rate limits before the request's deadline: nothing was sent, nothing changed."""


class _NoTurnInTime(RateLimited):
    """No turn under the rate limits within the policy's patience: nothing was sent."""


@dataclass
class _Waits:
    """The time one request spent waiting for turns: neither its attempts nor its total time pay for it."""

    started: float = field(default_factory=time.monotonic)
    waiting: float = 0.0

    def busy(self) -> float:
        return time.monotonic() - self.started - self.waiting


class CommerceLayer:
    """`budget` paces requests at the rate limits (pacing.py): in this process unless one is given,
    such as bot/state/budget.py's, shared by processes through Redis."""

    def __init__(
        self, config: ClientConfig, http: httpx.AsyncClient | None = None, *, budget: RateBudget | None = None
    ) -> None:
        self._config = config
        self._retry = config.retry
        self._http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(config.retry.request_timeout, connect=5.0),
            # httpx's API over aiohttp's connection pool: under load, httpcore's pool bookkeeping and its
            # anyio streams and locks took much of the server's CPU (docs/findings.md).
            transport=AiohttpTransport(
                limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS)
            ),
        )
        self.tokens = TokenProvider(self._http, config.credentials)
        self.pacer = Pacer(budget)

    async def aclose(self) -> None:
        await self._http.aclose()
        await self.pacer.aclose()

    async def token(self) -> AccessToken:
        return await self._retried(self.tokens.get, self._again(idempotent=True))

    async def mode(self) -> str:
        """ "test" or "live", from the token's `test` claim."""
        return (await self.token()).mode

    async def get(self, path: str, params: dict[str, str] | None = None) -> Document:
        return await self._request("GET", path, params=params)

    async def get_all(self, path: str, params: dict[str, str] | None = None) -> Document:
        """Every page of a list, merged into one document."""
        data: list[ResourceObject] = []
        included: list[ResourceObject] = []
        meta: dict[str, Any] = {}
        for number in range(1, MAX_PAGES + 1):
            page = await self.get(path, {**(params or {}), "page[size]": str(PAGE_SIZE), "page[number]": str(number)})
            data += page.data
            included += list(page.included)
            meta = page.meta
            if number >= int(meta.get("page_count") or 1):
                break
        return Document(data, included, meta)

    async def create(
        self, kind: str, attributes: dict[str, Any], relationships: dict[str, tuple[str, str]]
    ) -> Document:
        """POST a new resource. Never repeated after an unclear failure: the caller finds out."""
        body = {"data": {"type": kind, "attributes": attributes, "relationships": _links(relationships)}}
        return await self._request("POST", api_path(kind), json=body, idempotent=False)

    async def update(
        self,
        kind: str,
        resource_id: str,
        attributes: dict[str, Any] | None = None,
        relationships: dict[str, tuple[str, str]] | None = None,
        params: dict[str, str] | None = None,
        *,
        idempotent: bool = True,
    ) -> Document:
        """PATCH a resource. Most PATCHes state the end result, so sending one twice leaves the same
        state; a trigger that makes something new (`_customer_payment_source_id`) is sent with
        `idempotent=False`: never repeated after an unclear failure, the caller finds out."""
        data: dict[str, Any] = {"type": kind, "id": resource_id}
        if attributes:
            data["attributes"] = attributes
        if relationships:
            data["relationships"] = _links(relationships)
        path = api_path(kind, resource_id)
        return await self._request("PATCH", path, params=params, json={"data": data}, idempotent=idempotent)

    async def delete(self, kind: str, resource_id: str) -> None:
        """DELETE a resource. Never repeated after an unclear failure: a repeat of a delete that landed
        answers 404, which would hide that it landed; the caller looks instead."""
        await self._request("DELETE", api_path(kind, resource_id), idempotent=False)

    @contextmanager
    def deadline(self, at: float) -> Iterator[None]:
        """Every request made inside ends by `at` (time.monotonic()), retries and rate-limit waits included.

        A save holds its order's lease until a deadline; its requests must not outlive it.
        """
        token = _deadline.set(at)
        try:
            yield
        finally:
            _deadline.reset(token)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        idempotent: bool = True,
    ) -> Document:
        now, limit = time.monotonic(), _deadline.get()
        total = self._retry.total_timeout
        if limit is not None:
            total = max(0.0, min(total, limit - now))
        waits = _Waits(now)
        # A turn must come by then: before the deadline (less `write_reserve` for a write), or
        # within the policy's patience.
        give_up_at = now + self._retry.rate_limit_patience
        latest = None if limit is None else limit - (0.0 if method == "GET" else self._retry.write_reserve)
        by_deadline = latest is not None and latest < give_up_at
        if latest is not None and by_deadline:
            give_up_at = latest
        return await self._retried(
            lambda: self._paced(method, path, params, json, waits, give_up_at, by_deadline),
            self._again(idempotent=idempotent, total=total, waits=waits),
        )

    async def _paced(
        self,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: dict[str, Any] | None,
        waits: _Waits,
        give_up_at: float,
        by_deadline: bool,
    ) -> Document:
        """Sends in the pacer's turn; after a 429 or an expired token, in another turn.

        Waiting here rather than in the retry loop keeps a crowd of requests from spending their
        retries and total time in the pacer's queue and failing with a rate-limit error that
        waiting would have cured: 100 saves at once must all complete. A turn that can't come
        before the request's deadline (less `write_reserve` for a write), or within the policy's
        patience, fails at once with nothing sent.
        """
        policy = self._retry
        refused, token_renewed = 0, False
        while True:
            started, waited = time.monotonic(), 0.0
            try:
                async with self.pacer.turn(method, path, give_up_at) as turn:
                    waited = turn.waited
                    waits.waiting += waited
                    _check_deadline()
                    token = await self.tokens.get()
                    try:
                        return await self._send(token, method, path, params, json, turn)
                    except CommerceLayerError as error:
                        if error.status == 401 and error.code == "INVALID_TOKEN" and not token_renewed:
                            # The token expired or was revoked early: fetch a new one and repeat once,
                            # in a turn of its own. A 401 UNAUTHORIZED is a permission problem.
                            self.tokens.invalidate(token)
                            token_renewed = True
                            continue
                        if not isinstance(error, RateLimited):
                            raise
                        refused += 1
                        log.info("cl.rate_limited", method=method, path=path, times=refused)
            except NoTurn as no_turn:
                raise self._no_turn(f"Commerce Layer was not asked: {no_turn}", by_deadline) from None
            # Refused by a 429: the pacer now counts the window that refused it as full, and this
            # request backs off too, more after each refusal, before asking for its next turn.
            backoff = min(policy.wait_max, policy.wait_initial * 2 ** (refused - 1))
            if time.monotonic() + backoff >= give_up_at:
                raise self._no_turn(
                    "Commerce Layer refused it with 429 Too Many Requests, changing nothing,", by_deadline
                )
            await asyncio.sleep(backoff)
            # The refused request and its back-off were waiting for a turn too.
            waits.waiting += time.monotonic() - started - waited

    def _no_turn(self, what: str, by_deadline: bool) -> CommerceLayerError:
        if by_deadline:
            return _NotSent(f"{what} before this request's deadline")
        return _NoTurnInTime(f"{what} within {self._retry.rate_limit_patience:.0f} s")

    def _again(
        self, *, idempotent: bool, total: float | None = None, waits: _Waits | None = None
    ) -> Callable[[Exception], bool]:
        """Whether a failed attempt is repeated: the total time counts only what was not spent waiting for turns."""
        spent = waits or _Waits()
        total = self._retry.total_timeout if total is None else total
        limit = _deadline.get()

        def again(error: Exception) -> bool:
            if isinstance(error, _NotSent | _NoTurnInTime):
                return False
            if limit is not None and time.monotonic() >= limit:
                return False
            return retryable(error, idempotent=idempotent) and spent.busy() < total

        return again

    async def _retried(self, call: Callable[[], Awaitable[_T]], again: Callable[[Exception], bool]) -> _T:
        """`call()`, repeated with stamina's bounded backoff while `again(error)` says so.

        The first try runs outside stamina: most requests succeed at once, and entering its retry
        context on every request left garbage for the cycle collector on the hot path of a burst
        (docs/findings.md). A first try that failed is re-raised as stamina's first attempt, so the
        count of attempts and the waits between them are still stamina's alone.
        """
        try:
            return await call()
        except Exception as error:
            if not again(error):
                raise
            failed: Exception | None = error
        policy = self._retry
        retrying = stamina.retry_context(
            on=again,
            attempts=policy.attempts,
            timeout=None,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        )
        async for attempt in retrying:
            with attempt:
                if failed is not None:
                    first, failed = failed, None
                    raise first
                return await call()
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self,
        token: AccessToken,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json: dict[str, Any] | None,
        turn: Turn,
    ) -> Document:
        headers = {"Accept": JSONAPI, "Authorization": f"Bearer {token.value}"}
        if json is not None:
            headers["Content-Type"] = JSONAPI
        url = self._base_url(token) + path
        started = time.monotonic()
        turn.sending()
        try:
            response = await self._http.request(
                method,
                url,
                params=params,
                headers=headers,
                content=None if json is None else _dumps(json),
                timeout=self._timeout_until(_deadline.get()),
            )
        except httpx.HTTPError as error:
            failure = _transport_error(error)
            log.warning("cl.request_failed", method=method, path=path, error=str(failure))
            raise failure from None
        turn.answered(response.status_code, response.headers)
        # A refusal is worth a line at INFO; a success only when debugging (one per request of every
        # save, on the hot path of a busy bot, and the audit line already records each change).
        log.log(
            logging.INFO if response.status_code >= 400 else logging.DEBUG,
            "cl.request",
            method=method,
            path=path,
            status=response.status_code,
            ms=round((time.monotonic() - started) * 1000),
        )
        if response.status_code == 204:
            return Document([], [], {})
        if response.is_success:
            try:
                return Document.parse(response.json())
            except ValueError:
                raise Unavailable("Commerce Layer sent a response that is not JSON:API") from None
        raise _status_error(response)

    def _timeout_until(self, limit: float | None) -> httpx.Timeout | UseClientDefault:
        """The client's own timeouts, shortened to end by `limit` if one is set."""
        if limit is None:
            return httpx.USE_CLIENT_DEFAULT
        left = max(0.001, limit - time.monotonic())
        return httpx.Timeout(min(self._retry.request_timeout, left), connect=min(5.0, left))

    def _base_url(self, token: AccessToken) -> str:
        if self._config.api_url:
            return self._config.api_url.rstrip("/")
        if not token.organization_slug:
            raise ValidationFailed("The Commerce Layer token names no organization: set CL_API_URL")
        domain = "commercelayer.io"
        if token.issuer and token.issuer.startswith("https://auth."):
            domain = token.issuer.removeprefix("https://auth.").rstrip("/")
        return f"https://{token.organization_slug}.{domain}"


def _links(relationships: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {name: {"data": {"type": kind, "id": rid}} for name, (kind, rid) in relationships.items()}


def _dumps(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body, separators=(",", ":")).encode()


def _transport_error(error: httpx.HTTPError) -> Unavailable:
    # The aiohttp transport reports any lost connection as httpx.ConnectTimeout, one dropped after
    # the request was sent included: what aiohttp itself raised tells what happened.
    cause = error.__cause__ if isinstance(error.__cause__, aiohttp.ClientError) else None
    if cause is not None:
        timed_out = isinstance(cause, TimeoutError)
        never_sent = isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)
    else:
        timed_out = isinstance(error, httpx.TimeoutException)
        never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    # Only a failure to connect proves the request never left: repeating it is then safe even for a create.
    what = "timed out" if timed_out else "lost the connection"
    name = type(cause or error).__name__
    return Unavailable(f"Commerce Layer {what} ({name})", maybe_applied=not never_sent)


def _check_deadline() -> None:
    limit = _deadline.get()
    if limit is not None and time.monotonic() >= limit:
        # Nothing was sent: the caller knows this request changed nothing.
        raise Unavailable("Commerce Layer was not asked: the time allowed for this request ran out")


def _status_error(response: httpx.Response) -> CommerceLayerError:
    try:
        body = response.json()
    except ValueError:
        body = None
    raw = body.get("errors") if isinstance(body, dict) else None
    errors = tuple(ApiErrorItem.parse(item, response.status_code) for item in raw or [])
    return error_for_status(response.status_code, errors, pace_of(response.headers))
