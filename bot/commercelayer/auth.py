"""Access tokens: `client_credentials`, cached until shortly before expiry, one fetch for many callers."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from bot.commercelayer.errors import (
    ApiErrorItem,
    AuthenticationFailed,
    CommerceLayerError,
    Unavailable,
    error_for_status,
)
from bot.commercelayer.retry import pace_of


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float  # time.time() seconds
    lifetime: float
    organization_slug: str | None
    issuer: str | None
    test: bool

    def __repr__(self) -> str:  # keep the token itself out of reprs and tracebacks
        return f"AccessToken(slug={self.organization_slug!r}, test={self.test}, expires_at={self.expires_at})"

    @property
    def mode(self) -> str:
        return "test" if self.test else "live"

    def fresh(self, now: float) -> bool:
        # Renew a little early, so that a request never leaves with a token about to expire.
        margin = min(60.0, self.lifetime * 0.1)
        return now < self.expires_at - margin

    @classmethod
    def from_response(cls, body: dict[str, Any], now: float) -> AccessToken:
        value = str(body["access_token"])
        claims: dict[str, Any] = jwt.decode(value, options={"verify_signature": False})
        organization = claims.get("organization") or {}
        expires_at = float(claims.get("exp") or now + float(body.get("expires_in") or 0))
        return cls(
            value=value,
            expires_at=expires_at,
            lifetime=max(1.0, expires_at - now),
            organization_slug=organization.get("slug"),
            issuer=claims.get("iss"),
            test=bool(claims.get("test")),
        )


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    auth_url: str
    scope: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, auth_url={self.auth_url!r})"


class TokenProvider:
    """Shares one cached token; concurrent callers that find it stale wait on a single fetch."""

    def __init__(self, http: httpx.AsyncClient, credentials: Credentials) -> None:
        self._http = http
        self._credentials = credentials
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> AccessToken:
        token = self._token
        if token is not None and token.fresh(time.time()):
            return token
        async with self._lock:
            token = self._token
            if token is not None and token.fresh(time.time()):
                return token
            self._token = await self._fetch()
            return self._token

    def invalidate(self, token: AccessToken) -> None:
        """Forget `token` (Commerce Layer said INVALID_TOKEN); a newer one is kept."""
        if self._token is token:
            self._token = None

    async def _fetch(self) -> AccessToken:
        body: dict[str, str] = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }
        if self._credentials.scope:
            body["scope"] = self._credentials.scope
        url = self._credentials.auth_url.rstrip("/") + "/oauth/token"
        try:
            response = await self._http.post(url, json=body, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise Unavailable(f"Commerce Layer's auth server could not be reached ({type(error).__name__})") from None
        if response.status_code in (400, 401, 403):
            raise AuthenticationFailed(
                "Commerce Layer refused the integration's credentials: check CL_CLIENT_ID, "
                "CL_CLIENT_SECRET and CL_SCOPE",
                status=response.status_code,
            )
        if response.status_code != 200:
            raise _token_failure(response)
        try:
            return AccessToken.from_response(response.json(), time.time())
        except (ValueError, KeyError, jwt.PyJWTError):
            raise Unavailable("Commerce Layer's auth server sent an unreadable token response") from None


def _token_failure(response: httpx.Response) -> CommerceLayerError:
    errors = tuple(ApiErrorItem.parse(item, response.status_code) for item in _errors_of(response))
    error = error_for_status(response.status_code, errors, pace_of(response.headers))
    # A token request changes nothing: repeating it is always safe.
    error.maybe_applied = False
    return error


def _errors_of(response: httpx.Response) -> list[object]:
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return errors if isinstance(errors, list) else []
