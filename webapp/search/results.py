"""What a search returns: one page of hits, the total, facet counts, exact identifier matches."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from webapp.search.query import ParsedQuery


@dataclass
class Hit:
    kind: str
    record_id: str
    number: str
    title: str
    status: str
    type: str
    category: str
    queue: str
    created: datetime | None
    updated: datetime | None
    score: float


@dataclass
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    exact_matches: list[tuple[str, str]] = field(default_factory=list)  # at most 2
    unavailable: bool = False
    parsed: ParsedQuery | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
