"""Commerce Layer failures as typed exceptions.

Messages are built from Commerce Layer's JSON:API `errors` (title, detail, code, pointer) and never
from request headers or bodies, so no token or secret can reach an exception text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApiErrorItem:
    status: int
    code: str
    title: str
    detail: str
    pointer: str | None

    @classmethod
    def parse(cls, item: Any, status: int) -> ApiErrorItem:
        if not isinstance(item, dict):
            return cls(status, "UNKNOWN", "Unexpected error", "", None)
        source = item.get("source")
        pointer = source.get("pointer") if isinstance(source, dict) else None
        return cls(
            status=_int(item.get("status"), status),
            code=str(item.get("code") or "UNKNOWN"),
            title=str(item.get("title") or ""),
            detail=str(item.get("detail") or item.get("title") or ""),
            pointer=str(pointer) if pointer else None,
        )


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


class CommerceLayerError(Exception):
    """Base class. `maybe_applied` is True when a write may have landed although no answer came back."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        errors: tuple[ApiErrorItem, ...] = (),
        maybe_applied: bool = False,
        pace: tuple[int, float] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors
        self.maybe_applied = maybe_applied
        # (limit, interval in seconds) from X-Ratelimit-* headers, when Commerce Layer sent them.
        self.pace = pace

    @property
    def code(self) -> str:
        return self.errors[0].code if self.errors else type(self).__name__


class AuthenticationFailed(CommerceLayerError):
    """The token endpoint refused the integration's credentials."""


class PermissionDenied(CommerceLayerError):
    """401 UNAUTHORIZED or 403: the integration's role does not allow this."""


class NotFound(CommerceLayerError):
    """404 RECORD_NOT_FOUND."""


class ValidationFailed(CommerceLayerError):
    """400, 409 or 422: Commerce Layer refused the request as it is; repeating it won't help."""


class RateLimited(CommerceLayerError):
    """429 after every retry the policy allows."""


class Unavailable(CommerceLayerError):
    """5xx, a timeout or a dropped connection after every retry the policy allows."""


def error_for_status(
    status: int, errors: tuple[ApiErrorItem, ...], pace: tuple[int, float] | None = None
) -> CommerceLayerError:
    first = errors[0] if errors else None
    text = _describe(first) if first else f"Commerce Layer answered HTTP {status}"
    kind: type[CommerceLayerError]
    if status == 404:
        kind = NotFound
    elif status in (401, 403):
        kind = PermissionDenied
    elif status == 429:
        kind = RateLimited
    elif status >= 500:
        kind = Unavailable
    else:
        kind = ValidationFailed
    return kind(text, status=status, errors=errors, maybe_applied=status >= 500, pace=pace)


def _describe(item: ApiErrorItem) -> str:
    where = f" ({item.pointer})" if item.pointer else ""
    detail = item.detail or item.title
    return f"{detail}{where} [{item.code}]"
