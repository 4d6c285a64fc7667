"""The app's side of search: one SearchIndex per app, the writer that applies pending work,
reindex, check, and start-up repair.

Writes: a tracked change adds search_pending rows in its own transaction; after commit the
writer thread of this process wakes and applies them (load the documents from their source, one
index commit, delete the rows). Only one writer runs at a time (the index's flock); if the index is
busy or broken the rows stay and are retried every SEARCH_RETRY_SECONDS, so a user's save never
fails because of the index.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, func, insert, select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import SearchPending
from webapp.search.documents import record_key
from webapp.search.engine import IndexUnavailable, SearchIndex
from webapp.search.sources import as_record_id, registered_sources

log = logging.getLogger(__name__)

BATCH = 500          # documents loaded per source call during reindex
APPLY_LIMIT = 2000   # pending rows per index commit
IDLE_ROUNDS = 6      # the writer thread exits after this many quiet retry periods


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _id_and_version(item):
    if isinstance(item, tuple):
        return str(item[0]), (item[1] if len(item) > 1 else None)
    return str(item), None


@dataclass
class CheckReport:
    broken: bool = False
    missing: dict[str, list[str]] = field(default_factory=dict)
    stale: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)
    fixed: bool = False

    @property
    def problems(self) -> int:
        return int(self.broken) + sum(len(v) for group in (self.missing, self.stale, self.extra)
                                      for v in group.values())


class SearchService:
    def __init__(self, app: Flask):
        self.app = app
        self.index = SearchIndex(app.config["INDEX_DIR"])
        self.retry_seconds = float(app.config.get("SEARCH_RETRY_SECONDS", 5))
        self.procs = int(app.config.get("SEARCH_INDEX_PROCS", 1))
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self.repairing = False
        self.started = False

    # -- applying pending work --
    def apply_pending(self, limit: int = APPLY_LIMIT) -> int:
        """Apply up to `limit` pending rows to the index; return how many were applied.
        Raises IndexUnavailable when the index is busy/missing/broken (the rows stay)."""
        kinds = registered_sources()
        if not kinds:
            return 0
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(SearchPending.id, SearchPending.kind, SearchPending.record_id)
                .where(SearchPending.kind.in_(list(kinds))).order_by(SearchPending.id).limit(limit)
            ).all()
        if not rows:
            return 0
        wanted: dict[str, set[str]] = defaultdict(set)
        for _, kind, record_id in rows:
            wanted[kind].add(record_id)
        upserts, deletes = [], []
        for kind, ids in wanted.items():
            found = {str(doc["id"]): doc for doc in
                     kinds[kind].load_documents([as_record_id(i) for i in sorted(ids)])}
            for record_id in sorted(ids):
                if record_id in found:
                    upserts.append((kind, found[record_id]))
                else:
                    deletes.append(record_key(kind, record_id))
        self.index.apply(upserts, deletes)
        with db.engine.begin() as connection:
            connection.execute(delete(SearchPending).where(
                SearchPending.id.in_([row[0] for row in rows])))
        return len(rows)

    def apply_all_pending(self) -> int:
        total = 0
        while True:
            applied = self.apply_pending()
            total += applied
            if applied < APPLY_LIMIT:
                return total

    def pending_count(self) -> int:
        with db.engine.connect() as connection:
            return connection.scalar(select(func.count(SearchPending.id)))

    def status(self) -> dict:
        """For /healthz: the live index folder, and the changes it has not applied yet."""
        directory = self.index.current_dir()
        count, oldest = db.session.execute(
            select(func.count(SearchPending.id), func.min(SearchPending.created_at))).one()
        return {
            "generation": directory.name if directory is not None else None,
            "rebuilding": self.repairing,
            "lag_changes": count,
            "lag_seconds": None if oldest is None
            else round((utcnow_naive() - oldest).total_seconds(), 1),
        }

    # -- the writer thread --
    def wake(self) -> None:
        if not self.app.config.get("SEARCH_LIVE_UPDATES", True):
            return
        self._wake.set()
        with self._thread_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        quiet = 0
        while True:
            woken = self._wake.wait(self.retry_seconds)
            self._wake.clear()
            left = self._apply_in_background()
            quiet = 0 if (woken or left) else quiet + 1
            if quiet >= IDLE_ROUNDS:
                with self._thread_lock:
                    if not self._wake.is_set():
                        self._thread = None
                        return

    def _apply_in_background(self) -> bool:
        """One round of the writer; True when work is left for a retry."""
        with self.app.app_context():
            try:
                self.apply_all_pending()
                return False
            except IndexUnavailable as exc:
                log.warning("search: index not written now (%s); will retry", exc)
                if not self.index.exists() or not self.index.is_healthy():
                    self.start_repair()
                return True
            except Exception:  # noqa: BLE001 - keep the writer alive; the rows stay pending
                log.exception("search: applying pending index work failed; will retry")
                return True
            finally:
                db.session.remove()

    # -- rebuild, check, repair --
    def _documents(self, progress_total: Callable[[int], None] | None = None):
        sources = registered_sources()
        id_lists = {kind: [as_record_id(_id_and_version(i)[0]) for i in source.all_ids()]
                    for kind, source in sources.items()}
        if progress_total:
            progress_total(sum(len(ids) for ids in id_lists.values()))
        for kind, ids in id_lists.items():
            for chunk in _chunks(ids, BATCH):
                for document in sources[kind].load_documents(chunk):
                    yield kind, document

    def reindex(self, *, progress: Callable[[int], None] | None = None,
                total: Callable[[int], None] | None = None, procs: int | None = None) -> int:
        """Rebuild the whole index from the database into a new folder and swap it in."""
        with db.engine.connect() as connection:
            covered = connection.scalar(select(func.max(SearchPending.id))) or 0
        count = self.index.rebuild(self._documents(total), progress=progress,
                                   procs=procs or self.procs)
        # Everything pending before the rebuild started is in the new index.
        with db.engine.begin() as connection:
            connection.execute(delete(SearchPending).where(SearchPending.id <= covered))
        db.session.remove()
        return count

    def check(self, *, fix: bool = False) -> CheckReport:
        report = CheckReport()
        if not self.index.exists() or not self.index.is_healthy():
            report.broken = True
            if fix:
                self.reindex()
                report.fixed = True
            return report
        work = []
        for kind, source in registered_sources().items():
            in_db = dict(_id_and_version(item) for item in source.all_ids())
            in_index = self.index.record_versions(kind)
            missing = sorted(set(in_db) - set(in_index))
            extra = sorted(set(in_index) - set(in_db))
            stale = sorted(i for i, version in in_db.items()
                           if version is not None and i in in_index and in_index[i] != version)
            for name, ids in (("missing", missing), ("stale", stale), ("extra", extra)):
                if ids:
                    getattr(report, name)[kind] = ids
            work += [(kind, i, "upsert") for i in missing + stale] + [(kind, i, "delete") for i in extra]
        if fix and work:
            self.enqueue(work)
            self.apply_all_pending()
            report.fixed = True
        return report

    def enqueue(self, items) -> None:
        rows = [{"kind": k, "record_id": str(i), "action": a} for k, i, a in items]
        if rows:
            with db.engine.begin() as connection:
                connection.execute(insert(SearchPending.__table__), rows)

    def repair(self) -> str:
        """Start-up repair: rebuild a missing/broken index; queue records changed since the
        index was last written; apply what is pending. Returns what it did."""
        if not registered_sources():
            return "no sources"
        if not self.index.exists() or not self.index.is_healthy():
            count = self.reindex(procs=1)  # no forking inside a serving process
            return f"rebuilt ({count} documents)"
        since = self.index.last_modified()
        if since is not None:
            changed_at = datetime.utcfromtimestamp(since)
            for kind, source in registered_sources().items():
                if source.changed_since:
                    self.enqueue([(kind, i, "upsert") for i in source.changed_since(changed_at)])
        applied = self.apply_all_pending()
        return f"up to date ({applied} pending applied)"

    def start_repair(self) -> None:
        """Repair in the background; searches keep answering from what is there meanwhile."""
        with self._thread_lock:
            if self.repairing:
                return
            self.repairing = True

        def run():
            with self.app.app_context():
                try:
                    outcome = self.repair()
                    log.info("search: start-up check: %s", outcome)
                except IndexUnavailable as exc:
                    log.warning("search: repair postponed: %s", exc)
                except Exception:  # noqa: BLE001
                    log.exception("search: repair failed")
                finally:
                    db.session.remove()
                    self.repairing = False
            self.wake()

        threading.Thread(target=run, name="search-repair", daemon=True).start()


def get_service(app: Flask | None = None) -> SearchService:
    app = app or current_app
    return app.extensions["search"]


def wake_writer() -> None:
    """Called after a commit that recorded index work."""
    if has_app_context() and "search" in current_app.extensions:
        current_app.extensions["search"].wake()


def init_app(app: Flask) -> SearchService:
    service = SearchService(app)
    app.extensions["search"] = service

    @app.before_request
    def start_search_repair():
        if not service.started and app.config.get("SEARCH_STARTUP_REPAIR") \
                and not app.config.get("TESTING"):
            service.started = True
            service.start_repair()

    from webapp.search.commands import search_cli

    app.cli.add_command(search_cli)
    return service
