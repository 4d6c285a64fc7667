"""The Whoosh index: where it lives on disk, one writer at a time, reused searchers, queries.

Layout: INDEX_DIR/current is a symlink to INDEX_DIR/gen-<stamp>/ (a Whoosh index). A rebuild
writes a new gen-* folder and swaps the symlink atomically (os.replace), so searches answer from
the old index until the new one is complete. INDEX_DIR/.writer.lock (flock) makes index writing
one-at-a-time across threads and processes (web workers, the CLI).
"""
from __future__ import annotations

from array import array
import fcntl
import logging
import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh import matching
from whoosh import query as Q
from whoosh import sorting
from whoosh.idsets import DocIdSet
from whoosh.matching.binary import IntersectionMatcher
from whoosh.query.spans import SpanNear2, SpanWrappingMatcher
from whoosh.searching import SearchContext
from whoosh.util import make_binary_tree
from whoosh.writing import LockError

from webapp.search.bulk import bulk_writer
from webapp.search.documents import day_term, normalize_identifier, to_index_fields
from webapp.search.query import FILTER_FIELDS, Clause, ParsedQuery, parse
from webapp.search.schema import (AGENT_TEXT_FIELDS, FACET_FIELDS, IDENTIFIER_FIELDS,
                                  PROVIDER_TEXT_FIELDS, TEXT_ANALYZER, build_schema)

log = logging.getLogger(__name__)

IDENTIFIER_BOOST = 50.0
TITLE_BOOST = 2.0
MAX_WORD_CHARS = 60
MAX_PREFIX_EXPANSION = 64


class IndexUnavailable(RuntimeError):
    """The index is busy (another writer) or missing/broken; the work stays pending."""


class IndexBusy(IndexUnavailable):
    pass


# --- scope -----------------------------------------------------------------------------------

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


class _ScopeDocsQuery(Q.ConstantScoreQuery):
    """The scope's terms as a constant-score (0) query part whose document numbers are read
    once per segment of a pooled searcher and then reused: Whoosh's ConstantScoreQuery decodes
    the scope's whole posting list (up to 7% of the index for a large organization) on every
    query, ~17% of query time at 100k cases. `cache` belongs to one pooled searcher, which never
    sees a later index change (a changed index gets a new searcher and a new cache)."""

    def __init__(self, child, cache: dict):
        super().__init__(child, 0.0)
        self._cache = cache

    def _rewrap(self, child):
        return self.__class__(child, self._cache)

    def matcher(self, searcher, context=None):
        context = context or SearchContext()
        if context.needs_current:
            return super().matcher(searcher, context)
        key = (id(searcher.reader()), self.child)
        ids = self._cache.get(key)
        if ids is None:
            found = self.child.matcher(searcher, context)
            ids = array("I", found.all_ids()) if found.is_active() else array("I")
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[key] = ids
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, all_weights=self.score)


class _ScopedPhrase(Q.Phrase):
    """A phrase whose candidates (documents with every word) are intersected with the scope
    before word positions are decoded. Whoosh's phrase matcher, asked for its next match, walks
    every document of the whole index that has all the words, decoding positions for each, until
    one has the phrase; inside a large And that was the slowest query kind (~50-60 ms)."""

    def __init__(self, fieldname, words, scope_part, boost=1.0):
        super().__init__(fieldname, words, boost=boost)
        self.scope_part = scope_part

    @classmethod
    def scoped(cls, query, scope_part):
        if type(query) is Q.Phrase and query.slop == 1 and len(query.words) > 1:
            return cls(query.fieldname, query.words, scope_part, boost=query.boost)
        return query

    def matcher(self, searcher, context=None):
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh raises its QueryError
        reader = searcher.reader()
        words = [field.to_bytes(word) for word in self.words]
        if any((fieldname, word) not in reader for word in words):
            return matching.NullMatcher()
        scope = self.scope_part.matcher(searcher, context)
        if not scope.is_active():
            return matching.NullMatcher()
        ms = [Q.Term(fieldname, word).matcher(searcher, context) for word in words]
        matcher = _ScopedSpanMatcher(ms, scope)
        if self.boost != 1.0:
            matcher = matching.WrappingMatcher(matcher, boost=self.boost)
        return matcher


class _ScopedSpanMatcher(SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase (SpanNear2, slop 1, ordered) matcher over the words' intersection with
    the scope."""

    def __init__(self, ms, scope):
        self.ms = ms
        self.slop, self.ordered, self.mindist = 1, True, 1
        self.scope = scope
        self._words = make_binary_tree(IntersectionMatcher, ms)
        SpanWrappingMatcher.__init__(self, IntersectionMatcher(self._words, scope))

    def score(self):  # the words' score only, as Whoosh's phrase gives it
        return self._words.score()

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.scope.copy())


class _AndNotMatcher(matching.AndNotMatcher):
    """Whoosh's AndNotMatcher tests its first document against the excluded words only when the
    excluded matcher happens to start on that same document: when the excluded matcher starts
    on an earlier one, the first match was returned even if it had an excluded word ("october
    -claims" found a record with "claims"; which record depends on document numbers)."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class _AndNot(Q.AndNot):
    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scored, excluded)


# --- results ---------------------------------------------------------------------------------

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


# --- the index -------------------------------------------------------------------------------

class _Pooled:
    """A searcher kept between requests, with what was computed for it."""

    def __init__(self, searcher, generation: str):
        self.searcher = searcher
        self.generation = generation
        self.filters: dict = {}   # scope -> allowed document numbers
        self.scope_docs: dict = {}  # (segment reader, scope query) -> sorted docnums
        self.lexicons: dict = {}  # facet field -> indexed values


MAX_POOLED_SEARCHERS = 8


class SearchIndex:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._pool: list[_Pooled] = []
        self._pool_lock = threading.Lock()
        self._indexes: dict[str, object] = {}
        self._indexes_lock = threading.Lock()
        self.writes = 0  # bumped by this process's writers (tests and stats)

    # -- location --
    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def current_dir(self) -> Path | None:
        try:
            target = os.readlink(self.current_link)
        except OSError:
            return None
        path = self.root / target
        return path if path.is_dir() else None

    def exists(self) -> bool:
        directory = self.current_dir()
        try:
            return directory is not None and whoosh_index.exists_in(str(directory))
        except Exception:  # noqa: BLE001 - an unreadable table of contents: broken, not there
            return False

    def is_healthy(self) -> bool:
        """The index opens and answers a query."""
        try:
            with self._open().searcher() as searcher:
                searcher.doc_count()
                searcher.search(Q.Every(), limit=1)
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means "broken"
            log.warning("search index unhealthy: %s", type(exc).__name__)
            return False

    def last_modified(self) -> float | None:
        directory = self.current_dir()
        if directory is None:
            return None
        try:
            return max(p.stat().st_mtime for p in directory.glob("*.toc"))
        except ValueError:
            return None

    def _open(self):
        directory = self.current_dir()
        if directory is None or not self.exists():
            raise IndexUnavailable("no index")
        key = str(directory)
        with self._indexes_lock:
            ix = self._indexes.get(key)
            if ix is None:
                try:
                    ix = whoosh_index.open_dir(key)
                except Exception as exc:  # noqa: BLE001
                    raise IndexUnavailable(f"index cannot be opened: {type(exc).__name__}") from exc
                self._indexes = {key: ix}  # forget older generations
            return ix

    def create_empty(self) -> None:
        directory = self._new_generation_dir()
        whoosh_index.create_in(str(directory), build_schema())
        self._swap_in(directory)

    # -- writing --
    @contextmanager
    def writer_lock(self, timeout: float = 0.0):
        """One index writer at a time across threads and processes; IndexBusy when taken."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / ".writer.lock", "a+")
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy("another index writer is running") from None
                    time.sleep(0.05)
            yield
        finally:
            handle.close()  # releases the lock

    def apply(self, upserts: Iterable[tuple[str, dict]], deletes: Iterable[str], *,
              lock_timeout: float = 2.0) -> int:
        """Add/replace documents ((kind, document) pairs) and delete keys, in one index commit."""
        upserts = list(upserts)
        deletes = list(deletes)
        if not upserts and not deletes:
            return 0
        with self.writer_lock(timeout=lock_timeout):
            if not self.exists():
                raise IndexUnavailable("no index")
            try:
                writer = self._open().writer(timeout=lock_timeout, compound=False)
            except LockError as exc:
                raise IndexBusy("the index is locked") from exc
            except Exception as exc:  # noqa: BLE001 - a broken index: keep the work pending
                raise IndexUnavailable(f"index cannot be opened: {type(exc).__name__}") from exc
            try:
                for key in deletes:
                    writer.delete_by_term("key", key)
                for kind, document in upserts:
                    writer.update_document(**_present(to_index_fields(kind, document)))
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
        with self.writer_lock(timeout=lock_timeout):
            directory = self._new_generation_dir()
            ix = whoosh_index.create_in(str(directory), build_schema())
            # compound=False: segment files stay separate and are memory-mapped when opened;
            # a compound segment copies its term index into memory on every reader open, which
            # made each live update's writer (and the next searcher) ~200 ms slower at 100k.
            # bulk_writer: postings grouped per term in memory instead of Whoosh's sorted,
            # spilled posting pool (see bulk.py); procs > 1: one segment per process.
            writer = bulk_writer(ix, procs=procs, limitmb=limitmb, compound=False)
            count = 0
            try:
                for fields in _by_scope(documents):
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
            self._swap_in(directory)
        self.writes += 1
        return count

    def _new_generation_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        directory = self.root / f"gen-{time.time_ns()}"
        directory.mkdir()
        return directory

    def _swap_in(self, directory: Path) -> None:
        old = self.current_dir()
        temp_link = self.root / f".current-{time.time_ns()}"
        os.symlink(directory.name, temp_link)
        os.replace(temp_link, self.current_link)  # atomic
        # Open searchers keep their files (POSIX); new requests see the new folder.
        for stale in self.root.glob("gen-*"):
            if stale != directory and stale != old:
                shutil.rmtree(stale, ignore_errors=True)
        if old is not None and old != directory:
            shutil.rmtree(old, ignore_errors=True)

    # -- reading --
    @contextmanager
    def searcher(self):
        """Borrow a searcher: reused between requests (a small pool, one user at a time each),
        refreshed only when the index changed; a rebuilt index (new folder) gets new ones."""
        directory = self.current_dir()
        if directory is None:
            raise IndexUnavailable("no index")
        generation = str(directory)
        with self._pool_lock:
            pooled = self._pool.pop() if self._pool else None
        try:
            if pooled is not None and pooled.generation != generation:
                pooled.searcher.close()
                pooled = None
            if pooled is None:
                try:
                    pooled = _Pooled(self._open().searcher(), generation)
                except IndexUnavailable:
                    raise
                except Exception as exc:  # noqa: BLE001
                    raise IndexUnavailable(f"index cannot be opened: {type(exc).__name__}") from exc
            elif not pooled.searcher.up_to_date():
                # Not Searcher.refresh(): it reuses segment readers by segment id and so keeps
                # their old deleted-documents sets (a delete-only commit would stay invisible).
                pooled.searcher.close()
                pooled = None
                pooled = _Pooled(self._open().searcher(), generation)
        except BaseException:
            if pooled is not None:
                pooled.searcher.close()
            raise
        try:
            yield pooled
        finally:
            with self._pool_lock:
                if len(self._pool) < MAX_POOLED_SEARCHERS and generation == str(self.current_dir()):
                    self._pool.append(pooled)
                    pooled = None
            if pooled is not None:
                pooled.searcher.close()

    @staticmethod
    def _scope_docs(pooled: _Pooled, scope: Scope):
        """The scope filter for this searcher (None: everything), kept per searcher and scope."""
        if scope.everything:
            return None
        key = (scope.provider_ids, scope.queues)
        allow = pooled.filters.get(key)
        if allow is None:
            allow = ScopeFilter(pooled.searcher, scope)
            if len(pooled.filters) > 512:
                pooled.filters.clear()
            pooled.filters[key] = allow
        return allow

    @staticmethod
    def _lexicon(pooled: _Pooled, fieldname: str) -> list[str]:
        values = pooled.lexicons.get(fieldname)
        if values is None:
            values = [_text(v) for v in pooled.searcher.lexicon(fieldname)]
            pooled.lexicons[fieldname] = values
        return values

    def record_versions(self, kind: str) -> dict[str, datetime | None]:
        """record id -> indexed `updated` for every document of `kind` (for `search check`)."""
        versions = {}
        with self.searcher() as pooled:
            searcher = pooled.searcher
            for docnum in searcher.document_numbers(kind=kind):
                stored = searcher.stored_fields(docnum)
                versions[stored["record_id"]] = stored.get("updated")
        return versions

    def doc_count(self) -> int:
        with self.searcher() as pooled:
            return pooled.searcher.doc_count()

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
            with self.searcher() as pooled:
                return self._search(pooled, parsed, scope, results, page=page, per_page=per_page,
                                    filters=filters, date_from=date_from, date_to=date_to,
                                    sort=sort, facets=facets, open_only=open_only,
                                    prefix_last=prefix_last, count=count, any_word=any_word)
        except IndexUnavailable:
            results.unavailable = True
            return results

    def _search(self, pooled, parsed, scope, results, *, page, per_page, filters, date_from,
                date_to, sort, facets, open_only, prefix_last, count,
                any_word=False) -> SearchResults:
        searcher = pooled.searcher
        allow = self._scope_docs(pooled, scope)

        restrictions = self._restrictions(pooled, parsed, filters, date_from, date_to, open_only)
        if restrictions is None:
            return results

        identifier = parsed.identifier
        if identifier and not restrictions:
            # Exact identifier matches: counted for "go straight to the record"; they also rank
            # first below (identifier terms carry IDENTIFIER_BOOST).
            exact = searcher.search(self._identifier_query(identifier), filter=allow, limit=2)
            results.exact_matches = [(s["kind"], s["record_id"]) for s in
                                     (hit.fields() for hit in exact)]

        main = self._text_query(parsed, scope, prefix_last=prefix_last, any_word=any_word)
        if main is None and not restrictions:
            return results
        parts = ([main] if main is not None else []) + restrictions
        if scope.provider_ids and not scope.queues:
            # A narrow scope (one organization): also intersect with it inside the query, so the
            # matcher skips through long posting lists instead of scoring every match and then
            # dropping it at the filter. Scores are unchanged (constant 0); `filter=` stays.
            scope_part = _ScopeDocsQuery(scope.filter_query(), pooled.scope_docs)
            parts.append(scope_part)
            if main is not None:  # phrases check word positions only inside the scope
                parts[0] = main.accept(lambda q: _ScopedPhrase.scoped(q, scope_part))
        full = parts[0] if len(parts) == 1 else Q.And(parts)
        boost = self._title_boost(parsed)
        if boost is not None:  # subject matches rank higher; only scored for matching documents
            full = Q.AndMaybe(full, boost)
        excluded = self._excluded_query(parsed, scope)
        if excluded is not None:
            full = _AndNot(full, excluded)
        return self._run(searcher, full, allow, results, page, per_page, sort, facets,
                         count or facets)

    def _run(self, searcher, query, allow, results, page, per_page, sort, facets,
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
                    ((_text(k), n) for k, n in counts.items() if k not in (None, b"", "")),
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

    # -- query building --
    @staticmethod
    def _identifier_query(identifier: str) -> Q.Query:
        value = normalize_identifier(identifier)
        return Q.Or([Q.Term(name, value) for name in IDENTIFIER_FIELDS])

    def _word_query(self, word: str, text_fields, *, prefix: bool = False) -> Q.Query | None:
        word = word[:MAX_WORD_CHARS]
        options = []
        identifier = normalize_identifier(word)
        if any(ch.isdigit() for ch in identifier):
            options += [Q.Term(name, identifier, boost=IDENTIFIER_BOOST) for name in IDENTIFIER_FIELDS]
        stems = [t.text for t in TEXT_ANALYZER(word)]
        if len(stems) == 1:
            options += [Q.Term(name, stems[0]) for name in text_fields]
        elif len(stems) > 1:  # "x-ray" -> both parts, next to each other
            options += [Q.Phrase(name, stems) for name in text_fields]
        if prefix and len(word) >= 3:
            options.append(Q.Prefix("title", word.lower()))
        if not options:
            return None
        return options[0] if len(options) == 1 else Q.Or(options)

    def _phrase_query(self, clause: Clause, text_fields) -> Q.Query | None:
        stems = [t.text for t in TEXT_ANALYZER(" ".join(w[:MAX_WORD_CHARS] for w in clause.words))]
        if not stems:
            return None
        if len(stems) == 1:
            return self._word_query(stems[0], text_fields)
        phrases = [Q.Phrase(name, stems) for name in text_fields]
        return phrases[0] if len(phrases) == 1 else Q.Or(phrases)

    @staticmethod
    def _title_boost(parsed: ParsedQuery) -> Q.Query | None:
        stems = {t.text for word in parsed.positive_words() for t in TEXT_ANALYZER(word[:MAX_WORD_CHARS])}
        if not stems:
            return None
        terms = [Q.Term("title", stem, boost=TITLE_BOOST) for stem in sorted(stems)]
        return terms[0] if len(terms) == 1 else Q.Or(terms)

    def _clause_query(self, clause: Clause, text_fields, *, prefix: bool = False):
        if clause.phrase:
            return self._phrase_query(clause, text_fields)
        return self._word_query(clause.words[0], text_fields, prefix=prefix)

    def _text_query(self, parsed: ParsedQuery, scope: Scope, *, prefix_last=False,
                    any_word=False):
        parts = []
        last = len(parsed.required) - 1
        for index, clause in enumerate(parsed.required):
            query = self._clause_query(clause, scope.text_fields,
                                       prefix=prefix_last and index == last)
            if query is not None:
                parts.append(query)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return Q.Or(parts) if any_word else Q.And(parts)

    def _excluded_query(self, parsed: ParsedQuery, scope: Scope):
        parts = [q for q in (self._clause_query(c, scope.text_fields) for c in parsed.excluded)
                 if q is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Q.Or(parts)

    def _restrictions(self, pooled, parsed, filters, date_from, date_to, open_only):
        """field:value terms, facet filters, dates and open-only, as required query parts.
        None means "cannot match anything" (e.g. status:nonsense)."""
        parts = []
        wanted: list[tuple[str, str]] = []
        for name, values in parsed.fields.items():
            wanted += [(name, v) for v in values]
        for name, value in (filters or {}).items():
            if value and name in FILTER_FIELDS | {"sub_category"}:
                wanted.append((name, value))
        for name, value in wanted:
            if name in FILTER_FIELDS or name == "sub_category":
                matches = self._facet_values(pooled, name, value)
                if not matches:
                    return None
                parts.append(Q.Or([Q.Term(name, v) for v in matches]))
            else:  # identifier fields
                parts.append(Q.Term(name, normalize_identifier(value)))
        if date_from or date_to:
            parts.append(Q.TermRange("day", day_term(date_from) if date_from else None,
                                     day_term(date_to) if date_to else None))
        if open_only:
            parts.append(Q.Term("is_open", True))
        return parts

    def _facet_values(self, pooled, name: str, value: str) -> list[str]:
        """Case- and punctuation-insensitive match of a typed value against the indexed values:
        exact first, else every value that starts with it ("status:pend" -> "Pending Review")."""
        wanted = _squash(value)
        if not wanted:
            return []
        values = self._lexicon(pooled, name)
        exact = [v for v in values if _squash(v) == wanted]
        return exact or [v for v in values if _squash(v).startswith(wanted)][:MAX_PREFIX_EXPANSION]

    # -- excerpts --
    @staticmethod
    def excerpt(text: str, parsed: ParsedQuery, width: int = 180) -> list[tuple[str, bool]]:
        """A short piece of `text` around the first matched words, as (text, is_hit) segments
        (the template escapes them; no HTML is built here)."""
        if not text:
            return []
        wanted = set()
        for word in parsed.positive_words():
            wanted.update(t.text for t in TEXT_ANALYZER(word))
        spans = []
        if wanted:
            for token in TEXT_ANALYZER(text, chars=True, removestops=False):
                if token.text in wanted:
                    spans.append((token.startchar, token.endchar))
        if not spans:
            snippet = text[:width]
            return [(snippet + ("…" if len(text) > width else ""), False)]
        start = max(0, spans[0][0] - width // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < spans[0][0] else start
        end = min(len(text), start + width)
        segments, cursor = [], start
        if start:
            segments.append(("…", False))
        for s, e in spans:
            if s < cursor or e > end:
                continue
            if s > cursor:
                segments.append((text[cursor:s], False))
            segments.append((text[s:e], True))
            cursor = e
        if cursor < end:
            segments.append((text[cursor:end], False))
        if end < len(text):
            segments.append(("…", False))
        return segments


SCOPE_ORDER_CHUNK = 25_000


def _by_scope(documents: Iterable[tuple[str, dict]], chunk: int = SCOPE_ORDER_CHUNK):
    """The documents' index fields, each run of `chunk` documents ordered by who may see them
    (provider set, then queue; otherwise in the order given). Document numbers then follow
    organizations, so a scoped query's posting-list skips stay inside the organization's few
    posting blocks per run instead of decoding blocks all over the index (docs/PERFORMANCE.md).
    Runs rather than one sort of everything: memory stays bounded and the writer processes
    start on the first run while the next is read."""
    def key(fields):
        return fields.get("scope_providers", b""), fields.get("queue", "")

    run: list[dict] = []
    for kind, document in documents:
        run.append(_present(to_index_fields(kind, document)))
        if len(run) >= chunk:
            run.sort(key=key)
            yield from run
            run = []
    run.sort(key=key)
    yield from run


def _as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _squash(value) -> str:
    return "".join(ch for ch in str(value).lower() if ch.isalnum())


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _present(fields: dict) -> dict:
    """Leave out empty values (an empty ID would become a real "" term)."""
    return {k: v for k, v in fields.items() if v not in ("", None) or k in ("is_open",)}
