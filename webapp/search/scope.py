"""Access scope: what a user may find, as a query filter and as a document-number set."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from whoosh import query as Q
from whoosh.idsets import DocIdSet

from webapp.search.schema import AGENT_TEXT_FIELDS, PROVIDER_TEXT_FIELDS


@dataclass(frozen=True)
class Scope:
    """What a user may see. provider users: provider_ids; agents: queues; admins: everything.

    `include_internal` is True only for plan staff: it adds the internal-notes field to the query.
    An empty provider scope sees nothing."""

    provider_ids: frozenset[str] | None = None
    queues: frozenset[str] | None = None
    everything: bool = False
    include_internal: bool = False

    @classmethod
    def providers(cls, ids: Iterable) -> "Scope":
        return cls(provider_ids=frozenset(str(i) for i in ids))

    @classmethod
    def agent(cls, queue_slugs: Iterable[str]) -> "Scope":
        return cls(queues=frozenset(queue_slugs), include_internal=True)

    @classmethod
    def admin(cls) -> "Scope":
        return cls(everything=True, include_internal=True)

    @property
    def sees_nothing(self) -> bool:
        if self.everything:
            return False
        return not (self.provider_ids or self.queues)

    @property
    def text_fields(self) -> tuple[str, ...]:
        return AGENT_TEXT_FIELDS if self.include_internal else PROVIDER_TEXT_FIELDS

    def filter_query(self) -> Q.Query | None:
        """The index filter for this scope (None: everything)."""
        if self.everything:
            return None
        terms = [Q.Term("provider_ids", p) for p in sorted(self.provider_ids or ())]
        terms += [Q.Term("queue", slug) for slug in sorted(self.queues or ())]
        return Q.Or(terms) if terms else Q.NullQuery


class ScopeFilter(DocIdSet):
    """The scope as a document-number set for Whoosh's `filter=`, answered from per-document
    columns (provider ids, queue) instead of a precomputed set: nothing to build per searcher,
    so a refreshed searcher costs nothing, and each test is one column lookup."""

    def __init__(self, searcher, scope: Scope):
        reader = searcher.reader()
        try:
            self._providers = (reader.column_reader("scope_providers")
                               if scope.provider_ids else None)
            self._queues = reader.column_reader("queue") if scope.queues else None
        except NotImplementedError:  # an empty index has no columns: nothing is allowed
            self._providers = self._queues = None
        self._wanted_providers = [f" {p} ".encode() for p in sorted(scope.provider_ids or ())]
        self._wanted_queues = {q.encode() for q in scope.queues or ()}

    def __contains__(self, docnum) -> bool:
        if self._providers is not None:
            value = self._providers[docnum]
            if value and any(p in value for p in self._wanted_providers):
                return True
        if self._queues is not None:
            value = self._queues[docnum]
            return _as_bytes(value) in self._wanted_queues
        return False

    def __bool__(self) -> bool:  # "no filter" is None, never an empty ScopeFilter
        return True


def _as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
