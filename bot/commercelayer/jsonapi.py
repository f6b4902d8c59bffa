"""JSON:API documents as Commerce Layer sends them: resources, linkage and the `included` index."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Linkage(BaseModel):
    type: str
    id: str


class Relationship(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # `data` is present only when the relationship was included: absent is not the same as null.
    data: Linkage | list[Linkage] | None = None
    has_data: bool = False

    @classmethod
    def parse(cls, raw: Any) -> Relationship:
        if isinstance(raw, dict) and "data" in raw:
            return cls(data=raw["data"], has_data=True)
        return cls()


class ResourceObject(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    type: str
    attributes: dict[str, Any] = Field(default_factory=dict)
    relationships: dict[str, Relationship] = Field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Any) -> ResourceObject:
        if not isinstance(raw, dict):
            raise ValueError("a JSON:API resource object must be an object")
        relationships = raw.get("relationships") or {}
        return cls(
            id=str(raw.get("id")),
            type=str(raw.get("type")),
            attributes=raw.get("attributes") or {},
            relationships={name: Relationship.parse(value) for name, value in relationships.items()},
        )

    def attr(self, name: str) -> Any:
        return self.attributes.get(name)


class Document:
    """A response body: primary data plus an index of included resources for linkage lookups."""

    def __init__(self, data: list[ResourceObject], included: list[ResourceObject], meta: dict[str, Any]):
        self.data = data
        self.included = included
        self.meta = meta
        self._index = {(item.type, item.id): item for item in [*included, *data]}

    @classmethod
    def parse(cls, body: Any) -> Document:
        if not isinstance(body, dict):
            raise ValueError("a JSON:API document must be an object")
        raw = body.get("data")
        items = raw if isinstance(raw, list) else ([] if raw is None else [raw])
        return cls(
            data=[ResourceObject.parse(item) for item in items],
            included=[ResourceObject.parse(item) for item in body.get("included") or []],
            meta=body.get("meta") or {},
        )

    @property
    def first(self) -> ResourceObject | None:
        return self.data[0] if self.data else None

    def one(self, resource: ResourceObject, name: str) -> ResourceObject | None:
        """The included resource a to-one relationship points to, or None."""
        rel = resource.relationships.get(name)
        if rel is None or not isinstance(rel.data, Linkage):
            return None
        return self._index.get((rel.data.type, rel.data.id))

    def many(self, resource: ResourceObject, name: str) -> list[ResourceObject] | None:
        """The included resources of a to-many relationship; None when it was not included."""
        rel = resource.relationships.get(name)
        if rel is None or not rel.has_data:
            return None
        links = rel.data if isinstance(rel.data, list) else []
        found = (self._index.get((link.type, link.id)) for link in links)
        return [item for item in found if item is not None]
