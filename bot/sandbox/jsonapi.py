"""JSON:API documents as Commerce Layer serves them: relationships, include, sparse fieldsets,
pagination, filters and sort."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from yarl import URL

from bot.sandbox.errors import error
from bot.sandbox.models import (
    CustomerPaymentSourceRecord,
    CustomerRecord,
    OrderRecord,
    PaymentGatewayRecord,
    PaymentMethodRecord,
    PaypalPaymentRecord,
    Ref,
    Resource,
    Store,
    StripePaymentRecord,
)

ResourceLinkage = Ref | None | list[Ref]
IncludeTree = dict[str, "IncludeTree"]

PAGE_SIZE_DEFAULT = 10
PAGE_SIZE_MAX = 25
PAYMENT_SOURCE_TYPES = ("stripe_payments", "paypal_payments")


@dataclass(frozen=True)
class RelSpec:
    many: bool
    targets: tuple[str, ...]
    resolve: Callable[[Store, Any], ResourceLinkage]


def _one(type_: str, id_: str | None) -> Ref | None:
    return (type_, id_) if id_ else None


def _available_methods(store: Store, order: OrderRecord) -> list[Ref]:
    methods = store.many(PaymentMethodRecord, order.available_payment_method_ids)
    return [(m.TYPE, m.id) for m in methods if m.disabled_at is None]


def _wallet_refs(store: Store, customer_id: str | None) -> list[Ref]:
    if not customer_id:
        return []
    return [(CustomerPaymentSourceRecord.TYPE, id_) for id_ in store.wallets.get(customer_id, {})]


def _payment_relationships() -> dict[str, RelSpec]:
    return {
        "order": RelSpec(False, ("orders",), lambda s, r: _one("orders", r.order_id)),
        "payment_gateway": RelSpec(
            False, ("payment_gateways",), lambda s, r: _one("payment_gateways", r.payment_gateway_id)
        ),
    }


# The relationships the sandbox models, per type. Commerce Layer has more (market, line_items, ...);
# asking to include one of those is answered with INVALID_INCLUDE.
RELATIONSHIPS: dict[str, dict[str, RelSpec]] = {
    "orders": {
        "customer": RelSpec(False, ("customers",), lambda s, o: _one("customers", o.customer_id)),
        "payment_method": RelSpec(
            False, ("payment_methods",), lambda s, o: _one("payment_methods", o.payment_method_id)
        ),
        "payment_source": RelSpec(False, PAYMENT_SOURCE_TYPES, lambda s, o: o.payment_source),
        "available_payment_methods": RelSpec(True, ("payment_methods",), _available_methods),
        "available_customer_payment_sources": RelSpec(
            True, ("customer_payment_sources",), lambda s, o: _wallet_refs(s, o.customer_id)
        ),
    },
    "customers": {
        "customer_payment_sources": RelSpec(True, ("customer_payment_sources",), lambda s, c: _wallet_refs(s, c.id)),
        "orders": RelSpec(True, ("orders",), lambda s, c: [("orders", i) for i in s.orders_by_customer.get(c.id, {})]),
    },
    "customer_payment_sources": {
        "customer": RelSpec(False, ("customers",), lambda s, c: _one("customers", c.customer_id)),
        "payment_method": RelSpec(
            False, ("payment_methods",), lambda s, c: _one("payment_methods", c.payment_method_id)
        ),
        "payment_source": RelSpec(False, PAYMENT_SOURCE_TYPES, lambda s, c: c.payment_source),
    },
    "stripe_payments": _payment_relationships(),
    "paypal_payments": _payment_relationships(),
    "payment_methods": {
        "payment_gateway": RelSpec(
            False, ("payment_gateways",), lambda s, m: _one("payment_gateways", m.payment_gateway_id)
        ),
    },
    "payment_gateways": {},
}

# One record of each type, only to know each type's attribute names before any record exists.
_SAMPLES: dict[str, Resource] = {
    r.TYPE: r
    for r in (
        PaymentGatewayRecord("x", name=""),
        PaymentMethodRecord("x", name="", payment_source_type="", payment_gateway_id=""),
        CustomerRecord("x", email=""),
        OrderRecord("x", "", "", None, None, 0, None, []),
        StripePaymentRecord("x", order_id="", payment_gateway_id="", options={}),
        PaypalPaymentRecord("x", order_id="", payment_gateway_id=""),
        CustomerPaymentSourceRecord("x", "", "", None, None, "", ""),
    )
}
ATTRIBUTES: dict[str, frozenset[str]] = {t: frozenset(r.attributes()) for t, r in _SAMPLES.items()}

# Filterable fields (a subset of resources.json's `filters` that the sandbox models).
_RELATION_IDS: dict[str, Callable[[Any], object]] = {
    "customer_id": lambda r: r.customer_id,
    "payment_method_id": lambda r: r.payment_method_id,
}
_TAGS = frozenset({"reference", "reference_origin", "metadata", "created_at", "updated_at"})
FILTERABLE: dict[str, frozenset[str]] = {
    "orders": frozenset(
        {"id", "number", "status", "payment_status", "fulfillment_status", "guest", "customer_email"}
        | {"currency_code", "customer_id", "payment_method_id"}
        | _TAGS
    ),
    "customers": frozenset({"id", "email", "status"} | _TAGS),
    "customer_payment_sources": frozenset(
        {"id", "name", "payment_source_token", "customer_id", "payment_method_id"} | _TAGS
    ),
    "stripe_payments": frozenset({"id"} | _TAGS),
    "paypal_payments": frozenset({"id", "reference", "reference_origin"}),
    "payment_methods": frozenset({"id", "name", "payment_source_type", "currency_code", "reference"}),
    "payment_gateways": frozenset({"id", "name"}),
}
# Equality filters answered from an index, so load tests with thousands of orders stay fast.
_INDEXES: dict[tuple[str, str], Callable[[Store, str], Iterable[str]]] = {
    ("orders", "number"): lambda s, v: [s.orders_by_number[v]] if v in s.orders_by_number else [],
    ("orders", "customer_id"): lambda s, v: s.orders_by_customer.get(v, {}),
    ("customers", "email"): lambda s, v: [s.customers_by_email[v.lower()]] if v.lower() in s.customers_by_email else [],
    ("customer_payment_sources", "customer_id"): lambda s, v: s.wallets.get(v, {}),
}
_MATCHERS = ("not_null", "not_eq", "not_in", "null", "eq", "in", "cont", "start", "end", "jcont")
_FILTER_KEY = re.compile(r"^filter\[q\]\[([a-z0-9_]+)\]$")


@dataclass(frozen=True)
class FilterTerm:
    attribute: str
    matcher: str
    value: str

    def matches(self, record: Resource) -> bool:
        actual = _field_value(record, self.attribute)
        text = _as_text(actual)
        wanted = self.value.split(",")
        checks: dict[str, Callable[[], bool]] = {
            "eq": lambda: text == self.value,
            "not_eq": lambda: text != self.value,
            "in": lambda: text in wanted,
            "not_in": lambda: text not in wanted,
            "cont": lambda: text is not None and self.value.lower() in text.lower(),
            "start": lambda: text is not None and text.startswith(self.value),
            "end": lambda: text is not None and text.endswith(self.value),
            "null": lambda: (actual is None) == (self.value == "true"),
            "not_null": lambda: (actual is not None) == (self.value == "true"),
            "jcont": lambda: json_contains(actual, json.loads(self.value)),
        }
        return checks[self.matcher]()


def json_contains(actual: object, wanted: object) -> bool:
    """PostgreSQL's jsonb `@>` (Inferred.JCONT_IS_JSON_CONTAINMENT): every key of an object, every
    element of an array, contained; anything else equal."""
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            key in actual and json_contains(actual[key], value) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return isinstance(actual, list) and all(any(json_contains(item, one) for item in actual) for one in wanted)
    return actual == wanted


def _field_value(record: Resource, name: str) -> object:
    if name == "id":
        return record.id
    if name in _RELATION_IDS:
        return _RELATION_IDS[name](record)
    return record.attributes().get(name)


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Query:
    """The parsed JSON:API query parameters of one request."""

    include: IncludeTree = field(default_factory=dict)
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    page_number: int = 1
    page_size: int = PAGE_SIZE_DEFAULT
    filters: list[FilterTerm] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)


def parse_query(params: Iterable[tuple[str, str]], root_type: str, listing: bool) -> Query:
    query = Query()
    for key, value in params:
        if key == "include":
            query.include = parse_include(value, root_type)
        elif key.startswith("fields[") and key.endswith("]"):
            type_ = key[len("fields[") : -1]
            query.fields[type_] = _parse_fields(type_, value)
        elif listing and key.startswith("page["):
            _parse_page(query, key, value)
        elif listing and key.startswith("filter"):
            query.filters.append(_parse_filter(root_type, key, value))
        elif listing and key == "sort":
            query.sort = _parse_sort(root_type, value)
    return query


def parse_include(value: str, root_type: str) -> IncludeTree:
    tree: IncludeTree = {}
    for path in value.split(","):
        node = tree
        types: tuple[str, ...] = (root_type,)
        for name in path.split("."):
            candidates = [RELATIONSHIPS[t][name] for t in types if name in RELATIONSHIPS.get(t, {})]
            if not candidates:
                detail = f"{path} is not a valid relationship of {root_type}"
                raise error(400, "INVALID_INCLUDE", "Invalid include", detail)
            types = tuple(t for spec in candidates for t in spec.targets)
            node = node.setdefault(name, {})
    return tree


def _parse_fields(type_: str, value: str) -> frozenset[str]:
    if type_ not in ATTRIBUTES:
        raise error(400, "INVALID_RESOURCE", "Invalid resource", f"{type_} is not a valid resource.")
    names = frozenset(name for name in value.split(",") if name)
    known = ATTRIBUTES[type_] | RELATIONSHIPS[type_].keys() | {"id"}
    for name in sorted(names - known):
        raise error(400, "INVALID_FIELD", "Invalid field", f"{name} is not a valid field for {type_}.")
    return names


def _parse_page(query: Query, key: str, value: str) -> None:
    if key not in ("page[number]", "page[size]"):
        raise error(400, "INVALID_PAGE_OBJECT", "Invalid page object", "Invalid page parameters.")
    number = int(value) if value.isdigit() else 0
    too_big = key == "page[size]" and number > PAGE_SIZE_MAX
    if number < 1 or too_big:
        detail = f"{value} is not a valid value for {key[5:-1]} page parameter."
        raise error(400, "INVALID_PAGE_VALUE", "Invalid page value", detail)
    if key == "page[number]":
        query.page_number = number
    else:
        query.page_size = number


def _parse_filter(root_type: str, key: str, value: str) -> FilterTerm:
    match = _FILTER_KEY.match(key)
    if match is None:
        detail = f"{key} is not a valid filter; use filter[q][<attribute>_<matcher>]."
        raise error(400, "INVALID_FILTERS_SYNTAX", "Invalid filters syntax", detail)
    predicate = match.group(1)
    for matcher in _MATCHERS:
        attribute = predicate.removesuffix(f"_{matcher}")
        if attribute != predicate and attribute in FILTERABLE[root_type]:
            if matcher == "jcont":
                _check_json_object(predicate, value)
            return FilterTerm(attribute, matcher, value)
    raise error(400, "FILTER_NOT_ALLOWED", "Filter not allowed", f"{predicate} is not allowed.")


def _check_json_object(predicate: str, value: str) -> None:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):  # Inferred.JCONT_IS_JSON_CONTAINMENT
        detail = f"{value[:80]} is not a valid value for {predicate}: expected a JSON object."
        raise error(400, "INVALID_FILTER_VALUE", "Invalid filter value", detail)


def _parse_sort(root_type: str, value: str) -> list[tuple[str, bool]]:
    keys: list[tuple[str, bool]] = []
    for item in value.split(","):
        name = item.removeprefix("-")
        if name != "id" and name not in ATTRIBUTES[root_type]:
            detail = f"{name} is not a valid sort criteria for {root_type}"
            raise error(400, "INVALID_SORT_CRITERIA", "Invalid sort criteria", detail)
        keys.append((name, item.startswith("-")))
    return keys


def select(store: Store, type_: str, query: Query, records: list[Resource] | None = None) -> list[Resource]:
    """Filter and sort a listing; `records` restricts it (a to-many relationship), else the whole type."""
    if records is None:
        records = _indexed_candidates(store, type_, query.filters)
    selected = [r for r in records if all(term.matches(r) for term in query.filters)]
    for name, descending in reversed(query.sort):  # stable sorts, least significant key first
        selected.sort(key=_sorter(name), reverse=descending)
    return selected


def _sorter(name: str) -> Callable[[Resource], tuple[bool, str]]:
    return lambda record: _sort_key(_field_value(record, name))


def _indexed_candidates(store: Store, type_: str, filters: list[FilterTerm]) -> list[Resource]:
    for term in filters:
        lookup = _INDEXES.get((type_, term.attribute))
        if lookup is not None and term.matcher == "eq":
            found = (store.get(type_, id_) for id_ in lookup(store, term.value))
            return [record for record in found if record is not None]
    return store.all(type_)


def _sort_key(value: object) -> tuple[bool, str]:
    return (value is not None, _as_text(value) or "")


def page_count(record_count: int, size: int) -> int:
    return (record_count + size - 1) // size


def page_links(url: URL, query: Query, pages: int) -> dict[str, str]:
    def link(number: int) -> str:
        return str(url.update_query({"page[number]": str(number), "page[size]": str(query.page_size)}))

    last = max(pages, 1)
    links = {"first": link(1)}
    if 1 < query.page_number <= last:
        links["prev"] = link(query.page_number - 1)
    if query.page_number < last:
        links["next"] = link(query.page_number + 1)
    links["last"] = link(last)
    return links


def refs_of(linkage: ResourceLinkage) -> list[Ref]:
    if linkage is None:
        return []
    return linkage if isinstance(linkage, list) else [linkage]


def _linkage_json(linkage: ResourceLinkage) -> object:
    if isinstance(linkage, list):
        return [{"type": t, "id": i} for t, i in linkage]
    return None if linkage is None else {"type": linkage[0], "id": linkage[1]}


class Renderer:
    """Turns records into resource objects; relationship `data` only for the included ones."""

    def __init__(self, store: Store, base_url: str, meta: dict[str, Any], query: Query) -> None:
        self.store = store
        self.base_url = base_url
        self.meta = meta
        self.query = query

    def document(self, primary: Resource | list[Resource] | None) -> dict[str, Any]:
        records = primary if isinstance(primary, list) else [] if primary is None else [primary]
        wanted: dict[Ref, set[str]] = {(r.TYPE, r.id): set() for r in records}
        order: list[Ref] = []
        for record in records:
            self._expand(record, self.query.include, wanted, order)
        data = [self.resource(r, wanted[(r.TYPE, r.id)]) for r in records]
        doc: dict[str, Any] = {"data": data if isinstance(primary, list) else (data[0] if data else None)}
        included = [self._included(ref, wanted[ref]) for ref in order]
        if self.query.include:
            doc["included"] = [obj for obj in included if obj is not None]
        return doc

    def _expand(self, record: Resource, tree: IncludeTree, wanted: dict[Ref, set[str]], order: list[Ref]) -> None:
        """Collects, for every record reached by `include`, which relationships get `data`."""
        specs = RELATIONSHIPS[record.TYPE]
        for name, subtree in tree.items():
            if name not in specs:  # a polymorphic path that this concrete type lacks
                continue
            wanted[(record.TYPE, record.id)].add(name)
            for ref in refs_of(specs[name].resolve(self.store, record)):
                target = self.store.get(*ref)
                if target is None:
                    continue
                if ref not in wanted:
                    wanted[ref] = set()
                    order.append(ref)
                self._expand(target, subtree, wanted, order)

    def _included(self, ref: Ref, with_data: set[str]) -> dict[str, Any] | None:
        record = self.store.get(*ref)
        return None if record is None else self.resource(record, with_data)

    def resource(self, record: Resource, with_data: set[str]) -> dict[str, Any]:
        self_url = f"{self.base_url}/api/{record.TYPE}/{record.id}"
        allowed = self.query.fields.get(record.TYPE)
        attributes = {k: v for k, v in record.attributes().items() if allowed is None or k in allowed}
        relationships: dict[str, Any] = {}
        for name, spec in RELATIONSHIPS[record.TYPE].items():
            if allowed is not None and name not in allowed:
                continue
            rel: dict[str, Any] = {
                "links": {"self": f"{self_url}/relationships/{name}", "related": f"{self_url}/{name}"}
            }
            if name in with_data:
                rel["data"] = _linkage_json(spec.resolve(self.store, record))
            relationships[name] = rel
        return {
            "id": record.id,
            "type": record.TYPE,
            "links": {"self": self_url},
            "attributes": attributes,
            "relationships": relationships,
            "meta": self.meta,
        }
