"""Access tokens: JWTs shaped like Commerce Layer's, signed with a key only this sandbox knows."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

ISSUER = "https://auth.commercelayer.io"


@dataclass(frozen=True)
class IntegrationCredentials:
    client_id: str
    client_secret: str
    slug: str
    organization_id: str
    application_id: str
    test_mode: bool


class TokenIssuer:
    def __init__(self, credentials: IntegrationCredentials, clock: Callable[[], float]) -> None:
        self.credentials = credentials
        self._clock = clock
        self._key = secrets.token_bytes(32)
        # The `rand` claims of tokens still honoured; expire_tokens() empties it.
        self._live: set[float] = set()

    def issue(self, scope: str, lifetime: int) -> dict[str, Any]:
        now = int(self._clock())
        rand = secrets.randbelow(10**15) / 10**15
        self._live.add(rand)
        creds = self.credentials
        claims = {
            "organization": {
                "id": creds.organization_id,
                "slug": creds.slug,
                "enterprise": False,
                "region": "eu-west-1",
            },
            "application": {
                "id": creds.application_id,
                "kind": "integration",
                "public": False,
                "client_id": creds.client_id,
                "confidential": True,
            },
            "scope": scope,
            "exp": now + lifetime,
            "iat": now,
            "iss": ISSUER,
            "test": creds.test_mode,
            "rand": rand,
        }
        token = jwt.encode(claims, self._key, algorithm="HS256")
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": lifetime,
            "scope": scope,
            "created_at": now,
        }

    def verify(self, token: str) -> dict[str, Any] | None:
        """The token's claims, or None if it is not ours, expired or revoked."""
        try:
            # Expiry is checked against the sandbox clock, which tests can move.
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("rand") not in self._live or claims.get("exp", 0) <= self._clock():
            return None
        return claims

    def expire_all(self) -> None:
        self._live.clear()
