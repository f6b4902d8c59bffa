"""What the abuse tests check after each request: what Commerce Layer was asked, and how."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from bot.sandbox import RecordedRequest

# Commerce Layer ids as the app accepts them (bot/wallet/refs.py), and the only paths it may call.
RESOURCE_ID = re.compile(r"(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{4,40}")
PATHS = {
    "/oauth/token": (),
    "/api/orders": (),
    "/api/orders/{id}": ("id",),
    "/api/stripe_payments": (),
    "/api/customers": (),
    "/api/customers/{id}": ("id",),
    "/api/customers/{id}/customer_payment_sources": ("id",),
}
# A raw path: letters, digits, `_` and `/` only (any `%`, `.`, `?` inside it means escaping).
SAFE_PATH = re.compile(r"/[A-Za-z0-9_/]*")
QUERY_VALUES = {
    "include": re.compile(r"[a-z_,.]+"),
    "filter[q][number_eq]": re.compile(r"[0-9]{1,20}"),
    "filter[q][email_eq]": re.compile(r"[^@\s/?#%\\<>&]+@[^@\s/?#%\\<>&]+\.[^@\s/?#%\\<>&]+"),
    "page[size]": re.compile(r"[0-9]+"),
    "page[number]": re.compile(r"[0-9]+"),
}


def request_problems(requests: list[RecordedRequest]) -> list[str]:
    """Every way these requests break the rules: unescaped values, malformed ids, unknown routes."""
    problems: list[str] = []
    for request in requests:
        raw = urlsplit(request.raw_path)
        if not SAFE_PATH.fullmatch(raw.path) or raw.path != request.path:
            problems.append(f"unescaped or escaped value in the path: {request.raw_path!r}")
            continue
        template, ids = _template(raw.path)
        if template is None:
            problems.append(f"a path the app never calls: {request.raw_path!r}")
            continue
        for value in ids:
            if not RESOURCE_ID.fullmatch(value):
                problems.append(f"a request for a malformed id: {request.raw_path!r}")
        for name, value in parse_qsl(raw.query, keep_blank_values=True):
            pattern = QUERY_VALUES.get(name)
            if pattern is None or not pattern.fullmatch(value):
                problems.append(f"an unexpected query value {name}={value!r} in {request.raw_path!r}")
    return problems


def _template(path: str) -> tuple[str | None, list[str]]:
    parts = path.split("/")
    for template in PATHS:
        shape = template.split("/")
        if len(shape) != len(parts):
            continue
        ids = [part for part, want in zip(parts, shape, strict=True) if want == "{id}"]
        if all(want in ("{id}", part) for part, want in zip(parts, shape, strict=True)):
            return template, ids
    return None, []
