"""Searchers reused between requests, with what was computed for each (scope filters, the
in-query scope parts' document numbers, facet fields' values)."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from webapp.search.errors import IndexUnavailable
from webapp.search.folders import IndexFolders
from webapp.search.scope import Scope, ScopeFilter

MAX_POOLED_SEARCHERS = 8


class PooledSearcher:
    """A searcher kept between requests, with what was computed for it."""

    def __init__(self, searcher, generation: str):
        self.searcher = searcher
        self.generation = generation
        self.filters: dict = {}   # scope -> allowed document numbers
        self.scope_docs: dict = {}  # (segment reader, scope query) -> sorted docnums
        self.lexicons: dict = {}  # facet field -> indexed values

    def scope_filter(self, scope: Scope) -> ScopeFilter | None:
        """The scope filter for this searcher (None: everything), kept per scope."""
        if scope.everything:
            return None
        key = (scope.provider_ids, scope.queues)
        allow = self.filters.get(key)
        if allow is None:
            allow = ScopeFilter(self.searcher, scope)
            if len(self.filters) > 512:
                self.filters.clear()
            self.filters[key] = allow
        return allow

    def lexicon(self, fieldname: str) -> list[str]:
        """Every indexed value of a field (facet fields: few), kept for this searcher."""
        values = self.lexicons.get(fieldname)
        if values is None:
            values = [as_text(v) for v in self.searcher.lexicon(fieldname)]
            self.lexicons[fieldname] = values
        return values


class SearcherPool:
    def __init__(self, folders: IndexFolders):
        self.folders = folders
        self._pool: list[PooledSearcher] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self):
        """Borrow a searcher: reused between requests (a small pool, one user at a time each),
        refreshed only when the index changed; a rebuilt index (new folder) gets new ones."""
        directory = self.folders.current_dir()
        if directory is None:
            raise IndexUnavailable("no index")
        generation = str(directory)
        with self._lock:
            pooled = self._pool.pop() if self._pool else None
        try:
            if pooled is not None and pooled.generation != generation:
                pooled.searcher.close()
                pooled = None
            if pooled is None:
                pooled = self._new(generation)
            elif not pooled.searcher.up_to_date():
                # Not Searcher.refresh(): it reuses segment readers by segment id and so keeps
                # their old deleted-documents sets (a delete-only commit would stay invisible).
                pooled.searcher.close()
                pooled = None
                pooled = PooledSearcher(self.folders.open().searcher(), generation)
        except BaseException:
            if pooled is not None:
                pooled.searcher.close()
            raise
        try:
            yield pooled
        finally:
            with self._lock:
                if (len(self._pool) < MAX_POOLED_SEARCHERS
                        and generation == str(self.folders.current_dir())):
                    self._pool.append(pooled)
                    pooled = None
            if pooled is not None:
                pooled.searcher.close()

    def _new(self, generation: str) -> PooledSearcher:
        try:
            return PooledSearcher(self.folders.open().searcher(), generation)
        except IndexUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001
            raise IndexUnavailable(f"index cannot be opened: {type(exc).__name__}") from exc


def as_text(value) -> str:
    """A stored or indexed value as text (Whoosh gives bytes for some)."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
