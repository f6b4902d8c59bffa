"""Commerce Layer's JSON:API errors.

Codes and titles follow Commerce Layer (built on jsonapi-resources): KEY_NOT_INCLUDED_IN_URL,
PARAM_NOT_ALLOWED, INVALID_INCLUDE, FILTER_NOT_ALLOWED, VALIDATION_ERROR, ...
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any


@dataclass
class ErrorObject:
    status: int
    code: str
    title: str
    detail: str
    pointer: str | None = None
    meta: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": self.title,
            "detail": self.detail,
            "code": self.code,
            "status": str(self.status),
        }
        if self.pointer is not None:
            body["source"] = {"pointer": self.pointer}
        if self.meta is not None:
            body["meta"] = self.meta
        return body


class ApiError(Exception):
    """Raised by a handler; rendered as {"errors": [...]} with the first error's status."""

    def __init__(self, errors: list[ErrorObject]) -> None:
        super().__init__(errors[0].detail)
        self.errors = errors

    @property
    def status(self) -> int:
        return self.errors[0].status

    def to_json(self) -> dict[str, Any]:
        return {"errors": [error.to_json() for error in self.errors]}


def error(status: int, code: str, title: str, detail: str, pointer: str | None = None) -> ApiError:
    return ApiError([ErrorObject(status, code, title, detail, pointer)])


def not_found(pointer: str | None = None) -> ApiError:
    return error(404, "RECORD_NOT_FOUND", "Record not found", "The requested resource was not found.", pointer)


def param_not_allowed(name: str, pointer: str) -> ErrorObject:
    return ErrorObject(400, "PARAM_NOT_ALLOWED", "Param not allowed", f"{name} is not allowed.", pointer)


def validation(field_name: str, message: str, pointer: str, kind: str = "invalid") -> ApiError:
    """422 in Commerce Layer's shape: title is the message, detail is "<field> - <message>"."""
    return ApiError(
        [ErrorObject(422, "VALIDATION_ERROR", message, f"{field_name} - {message}", pointer, {"error": kind})]
    )


def invalid_token() -> ApiError:
    return error(401, "INVALID_TOKEN", "Invalid token", "The access token you provided is invalid.")


# Status codes that injected faults and the router produce (Inferred.ROUTER_ERRORS).
_CODES: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "Bad request"),
    401: ("INVALID_TOKEN", "Invalid token"),
    403: ("FORBIDDEN", "Forbidden"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    409: ("RECORD_NOT_UNIQUE", "Record not unique"),
    422: ("VALIDATION_ERROR", "Unprocessable entity"),
    423: ("LOCKED", "Locked"),
    429: ("TOO_MANY_REQUESTS", "Too many requests"),
    500: ("INTERNAL_SERVER_ERROR", "Internal server error"),
}


_TITLES = {"UNAUTHORIZED": "Access denied"}


def for_status(status: int, detail: str, code: str | None = None) -> ApiError:
    """A generic error for `status`, used by injected faults and unknown routes; `code` overrides
    the usual one (e.g. 401 UNAUTHORIZED, a permission refusal, instead of INVALID_TOKEN)."""
    if code is not None:
        return error(status, code, _TITLES.get(code, code.replace("_", " ").capitalize()), detail)
    if status in _CODES:
        code, title = _CODES[status]
    else:
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        code, title = phrase.upper().replace(" ", "_").replace("-", "_"), phrase
    return error(status, code, title, detail)


def too_many_requests(limit: int, interval: float) -> ApiError:
    """Commerce Layer's 429 (Inferred.TOO_MANY_REQUESTS_BODY)."""
    detail = f"You have exceeded the rate limit of {limit} requests every {interval:g} seconds."
    return error(429, "TOO_MANY_REQUESTS", "Too many requests", detail)
