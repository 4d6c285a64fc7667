"""The search index as the app uses it: write (live updates, rebuilds) and search within a scope.

The parts live in their own modules: folders.py (index folder generations, writer lock, swap),
pool.py (reused searchers), scope.py, querying.py (building the Whoosh query), results.py,
excerpts.py, ordering.py (a rebuild's document order), and whoosh_internals.py (everything
that touches Whoosh's private names).
"""
from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import sorting
from whoosh.writing import LockError

from webapp.search import querying
from webapp.search.errors import IndexBusy, IndexUnavailable
from webapp.search.excerpts import excerpt
from webapp.search.folders import IndexFolders
from webapp.search.ordering import by_scope, index_fields
from webapp.search.pool import PooledSearcher, SearcherPool, as_text
from webapp.search.query import ParsedQuery, parse
from webapp.search.results import Hit, SearchResults
from webapp.search.schema import FACET_FIELDS, build_schema
from webapp.search.scope import Scope
from webapp.search.whoosh_internals import bulk_writer

log = logging.getLogger(__name__)

# What callers import from here (webapp/search/__init__.py, index_service.py, commands.py).
__all__ = ["Hit", "IndexBusy", "IndexUnavailable", "Scope", "SearchIndex", "SearchResults"]


class SearchIndex:
    def __init__(self, root: str | os.PathLike):
        self.folders = IndexFolders(root)
        self.pool = SearcherPool(self.folders)
        self.writes = 0  # bumped by this process's writers (tests and stats)

    # -- location --
    @property
    def root(self):
        return self.folders.root

    @property
    def current_link(self):
        return self.folders.current_link

    def current_dir(self):
        return self.folders.current_dir()

    def exists(self) -> bool:
        return self.folders.exists()

    def last_modified(self) -> float | None:
        return self.folders.last_modified()

    def create_empty(self) -> None:
        self.folders.create_empty()

    def writer_lock(self, timeout: float = 0.0):
        return self.folders.writer_lock(timeout)

    def is_healthy(self) -> bool:
        """The index opens and answers a query."""
        try:
            with self.folders.open().searcher() as searcher:
                searcher.doc_count()
                searcher.search(Q.Every(), limit=1)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means "broken"
            log.warning("search index unhealthy: %s", type(exc).__name__)
            return False

    # -- writing --
    def apply(self, upserts: Iterable[tuple[str, dict]], deletes: Iterable[str], *,
              lock_timeout: float = 2.0) -> int:
        """Add/replace documents ((kind, document) pairs) and delete keys, in one index commit."""
        upserts = list(upserts)
        deletes = list(deletes)
        if not upserts and not deletes:
            return 0
        with self.folders.writer_lock(timeout=lock_timeout):
            if not self.folders.exists():
                raise IndexUnavailable("no index")
            try:
                writer = self.folders.open().writer(timeout=lock_timeout, compound=False)
            except LockError as exc:
                raise IndexBusy("the index is locked") from exc
            except Exception as exc:  # noqa: BLE001 - a broken index: keep the work pending
                raise IndexUnavailable(f"index cannot be opened: {type(exc).__name__}") from exc
            try:
                for key in deletes:
                    writer.delete_by_term("key", key)
                for kind, document in upserts:
                    writer.update_document(**index_fields(kind, document))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        self.writes += 1
        return len(upserts) + len(deletes)

    def rebuild(self, documents: Iterable[tuple[str, dict]], *, procs: int = 1,
                limitmb: int = 256, progress: Callable[[int], None] | None = None,
                lock_timeout: float = 10.0, before_swap: Callable[[], None] | None = None) -> int:
        """Write every document into a new index folder and swap it in atomically."""
        with self.folders.writer_lock(timeout=lock_timeout):
            directory = self.folders.new_generation_dir()
            ix = whoosh_index.create_in(str(directory), build_schema())
            # compound=False: segment files stay separate and are memory-mapped when opened;
            # a compound segment copies its term index into memory on every reader open, which
            # made each live update's writer (and the next searcher) slower on a large index
            # (docs/PERFORMANCE.md). bulk_writer: postings grouped per term in memory instead
            # of Whoosh's sorted, spilled posting pool (bulk.py); procs > 1: one segment per
            # process.
            writer = bulk_writer(ix, procs=procs, limitmb=limitmb, compound=False)
            count = 0
            try:
                for fields in by_scope(documents):
                    writer.add_document(**fields)
                    count += 1
                    if progress and count % 500 == 0:
                        progress(500)
                writer.commit()
            except BaseException:
                writer.cancel()
                shutil.rmtree(directory, ignore_errors=True)
                raise
            if progress:
                progress(count % 500)
            if before_swap:
                before_swap()
            self.folders.swap_in(directory)
        self.writes += 1
        return count

    # -- reading --
    def searcher(self):
        """Borrow a pooled searcher (see pool.SearcherPool.borrow)."""
        return self.pool.borrow()

    def record_versions(self, kind: str) -> dict[str, datetime | None]:
        """record id -> indexed `updated` for every document of `kind` (for `search check`)."""
        versions = {}
        with self.pool.borrow() as pooled:
            searcher = pooled.searcher
            for docnum in searcher.document_numbers(kind=kind):
                stored = searcher.stored_fields(docnum)
                versions[stored["record_id"]] = stored.get("updated")
        return versions

    def doc_count(self) -> int:
        with self.pool.borrow() as pooled:
            return pooled.searcher.doc_count()

    excerpt = staticmethod(excerpt)

    # -- querying --
    def search(self, text: str | ParsedQuery, scope: Scope, *, page: int = 1, per_page: int = 20,
               filters: dict[str, str] | None = None, date_from: datetime | None = None,
               date_to: datetime | None = None, sort: str = "relevance", facets: bool = True,
               open_only: bool = False, prefix_last: bool = False,
               count: bool = True, any_word: bool = False) -> SearchResults:
        """Search within `scope`. count=False (suggestions): `total` is only the hits found up to
        page*per_page, which lets Whoosh skip blocks that cannot make the top. any_word=True
        ("similar records") ranks documents by how many of the words they share instead of
        requiring all of them."""
        parsed = text if isinstance(text, ParsedQuery) else parse(text)
        results = SearchResults(page=page, per_page=per_page, parsed=parsed)
        if scope.sees_nothing or parsed.is_empty and not filters:
            return results
        try:
            with self.pool.borrow() as pooled:
                return self._search(pooled, parsed, scope, results, page=page, per_page=per_page,
                                    filters=filters, date_from=date_from, date_to=date_to,
                                    sort=sort, facets=facets, open_only=open_only,
                                    prefix_last=prefix_last, count=count, any_word=any_word)
        except IndexUnavailable:
            results.unavailable = True
            return results

    def _search(self, pooled: PooledSearcher, parsed, scope, results, *, page, per_page, filters,
                date_from, date_to, sort, facets, open_only, prefix_last, count,
                any_word=False) -> SearchResults:
        searcher = pooled.searcher
        allow = pooled.scope_filter(scope)

        restrictions = querying.restrictions(pooled, parsed, filters, date_from, date_to,
                                             open_only)
        if restrictions is None:
            return results

        identifier = parsed.identifier
        if identifier and not restrictions:
            # Exact identifier matches: counted for "go straight to the record"; they also rank
            # first (identifier terms carry IDENTIFIER_BOOST).
            exact = searcher.search(querying.identifier_query(identifier), filter=allow, limit=2)
            results.exact_matches = [(s["kind"], s["record_id"]) for s in
                                     (hit.fields() for hit in exact)]

        full = querying.full_query(pooled, parsed, scope, restrictions, prefix_last=prefix_last,
                                   any_word=any_word)
        if full is None:
            return results
        return self._run(searcher, full, allow, results, page, per_page, sort, facets,
                         count or facets)

    @staticmethod
    def _run(searcher, query, allow, results, page, per_page, sort, facets,
             count) -> SearchResults:
        page = max(1, page)
        kwargs = {"filter": allow, "limit": page * per_page}
        if sort == "date":
            kwargs["sortedby"] = sorting.FieldFacet("updated_ts", reverse=True)
        if facets:
            kwargs["groupedby"] = {name: sorting.FieldFacet(name, maptype=sorting.Count)
                                   for name in FACET_FIELDS}
        # optimize=False: no block-quality skipping, so the collector counts every allowed match
        # as it goes (with skipping, len() would run the whole query a second time).
        found = searcher.search(query, optimize=not count, **kwargs)
        results.total = len(found) if count else len(found.top_n)
        if facets:
            for name in FACET_FIELDS:
                counts = found.groups(name)
                results.facets[name] = sorted(
                    ((as_text(k), n) for k, n in counts.items() if k not in (None, b"", "")),
                    key=lambda item: (-item[1], item[0]))
        start = (page - 1) * per_page
        for position in range(start, min(len(found.top_n), start + per_page)):
            stored = found[position].fields()
            results.hits.append(Hit(
                kind=stored.get("kind", ""), record_id=stored.get("record_id", ""),
                number=stored.get("shown_number", ""), title=stored.get("title", ""),
                status=stored.get("status", ""), type=stored.get("type", ""),
                category=stored.get("category", ""), queue=stored.get("queue", ""),
                created=stored.get("created"), updated=stored.get("updated"),
                score=found.score(position) or 0.0))
        return results
