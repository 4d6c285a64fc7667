"""The app's side of search: one SearchIndex per app, the writer that catches the index up with
the change log, reindex, check, and start-up repair.

Writes: a tracked change adds search_change rows in its own transaction; after commit the
writer thread of this process wakes and applies the log past the index folder's position (load
the documents from their source, one index commit, remember the last id: see changelog.py). The
log is shared by every machine; each machine's index folder catches up by itself, also from
changes made elsewhere (`poll()` every SEARCH_POLL_SECONDS). Only one writer runs at a time (the
index's flock); if the index is busy or broken the log waits and is retried, so a user's save
never fails because of the index.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, func, insert, or_, select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import SearchChange
from webapp.search.changelog import CatchUpBusy, Cursor, catch_up_lock, now, read_cursor, write_cursor
from webapp.search.documents import record_key
from webapp.search.engine import IndexBusy, IndexUnavailable, SearchIndex
from webapp.search.sources import as_record_id, registered_sources

log = logging.getLogger(__name__)

BATCH = 500          # documents loaded per source call during reindex
APPLY_LIMIT = 2000   # pending rows per index commit
CATCH_UP_WAIT = 5.0  # seconds to wait while another process catches the same folder up
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
        self.poll_seconds = float(app.config.get("SEARCH_POLL_SECONDS", 1))
        self.log_days = int(app.config.get("SEARCH_CHANGE_LOG_DAYS", 7))
        self.polling = False  # True: the writer thread also looks for other machines' changes
        self.closed = False   # True: the writer thread ends (an app being discarded, e.g. in tests)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self.repairing = False
        self.started = False

    # -- applying the change log --
    def cursor(self) -> Cursor:
        directory = self.index.current_dir()
        return (read_cursor(directory) if directory is not None else None) or Cursor()

    def _unapplied(self, cursor: Cursor):
        condition = SearchChange.id > cursor.applied
        gaps = cursor.live_gaps(now())
        if gaps:
            condition = or_(condition, SearchChange.id.in_(gaps))
        return condition

    def apply_pending(self, limit: int = APPLY_LIMIT) -> int:
        """Apply up to `limit` changes past this index folder's position; return how many.
        Raises IndexUnavailable when the index is busy/missing/broken (the position stays)."""
        directory = self.index.current_dir()
        if directory is None or not self.index.exists():
            raise IndexUnavailable("no index")
        try:
            with catch_up_lock(self.index.root, timeout=CATCH_UP_WAIT):
                return self._catch_up(directory, limit)
        except CatchUpBusy as exc:
            raise IndexBusy(str(exc)) from None

    def _catch_up(self, directory, limit: int) -> int:
        cursor = read_cursor(directory) or Cursor()
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(SearchChange.id, SearchChange.kind, SearchChange.record_id)
                .where(self._unapplied(cursor)).order_by(SearchChange.id).limit(limit)
            ).all()
        moment = now()
        if not rows:
            if moment - cursor.checked_at > 3600 or len(cursor.live_gaps(moment)) != len(cursor.gaps):
                write_cursor(directory, cursor.advanced([], moment))  # "still current", expired gaps
            return 0
        kinds = registered_sources()
        wanted: dict[str, set[str]] = defaultdict(set)
        for _, kind, record_id in rows:
            if kind in kinds:
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
        if self.index.current_dir() == directory:  # not swapped for a rebuilt folder meanwhile
            write_cursor(directory, cursor.advanced([row[0] for row in rows], moment))
        return len(rows)

    def apply_all_pending(self) -> int:
        total = 0
        while True:
            applied = self.apply_pending()
            total += applied
            if applied < APPLY_LIMIT:
                return total

    def pending_count(self) -> int:
        """Changes in the log this index folder has not applied yet."""
        cursor = self.cursor()
        with db.engine.connect() as connection:
            return connection.scalar(select(func.count(SearchChange.id)).where(self._unapplied(cursor)))

    def status(self) -> dict:
        """For /healthz: the live index folder, its position in the change log, what it lags."""
        directory = self.index.current_dir()
        cursor = self.cursor()
        count, oldest = db.session.execute(
            select(func.count(SearchChange.id), func.min(SearchChange.created_at))
            .where(self._unapplied(cursor))).one()
        return {
            "generation": directory.name if directory is not None else None,
            "rebuilding": self.repairing,
            "applied_change": cursor.applied,
            "lag_changes": count,
            "lag_seconds": None if oldest is None
            else round((utcnow_naive() - oldest).total_seconds(), 1),
        }

    def prune_log(self, days: int) -> int:
        """Delete changes older than `days` (every index folder has long applied them; one that
        has not caught up for that long is rebuilt, see repair()). The newest row always stays,
        so ids never restart."""
        cutoff = utcnow_naive() - timedelta(days=days)
        with db.engine.begin() as connection:
            newest = connection.scalar(select(func.max(SearchChange.id))) or 0
            return connection.execute(delete(SearchChange).where(
                SearchChange.created_at < cutoff, SearchChange.id < newest)).rowcount

    # -- the writer thread --
    def wake(self) -> None:
        if self.closed or (not self.app.config.get("SEARCH_LIVE_UPDATES", True) and not self.polling):
            return
        self._wake.set()
        with self._thread_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-writer", daemon=True)
                self._thread.start()

    def start_polling(self) -> None:
        """Keep the writer thread running, catching up every SEARCH_POLL_SECONDS with changes
        committed by other processes and machines (the background jobs of a server or worker)."""
        self.polling = True
        self.wake()

    def close(self) -> None:
        """Stop the writer thread (and polling) of this app."""
        self.closed, self.polling = True, False
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(10)

    def _run(self) -> None:
        quiet = 0
        while True:
            woken = self._wake.wait(self.poll_seconds if self.polling else self.retry_seconds)
            self._wake.clear()
            if self.closed:
                with self._thread_lock:
                    self._thread = None
                return
            left = self._apply_in_background()
            quiet = 0 if (woken or left) else quiet + 1
            if quiet >= IDLE_ROUNDS and not self.polling:
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
            except IndexBusy as exc:
                log.debug("search: index busy (%s); will retry", exc)
                return True
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

    def stop(self) -> None:
        """The app is done (shutting down, or a test is done with its database): see close()."""
        self.close()

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
        """Rebuild the whole index from the database into a new folder and swap it in. The new
        folder starts at the log's newest id when the rebuild began (everything up to there is
        in it); recent ids not visible yet are gaps, applied when their transactions commit."""
        with db.engine.connect() as connection:
            covered = connection.scalar(select(func.max(SearchChange.id))) or 0
            recent = set(connection.scalars(select(SearchChange.id).where(
                SearchChange.id > covered - 1000)))
        started = now()
        start = Cursor(applied=0, checked_at=started).advanced(sorted(recent | {covered}), started)

        def place_cursor():
            # Called by rebuild() under the writer lock, after the new folder is written and
            # before it goes live: the newest gen-* folder is the one just built.
            write_cursor(_newest_generation_dir(self.index.root), start)

        count = self.index.rebuild(self._documents(total), progress=progress,
                                   procs=procs or self.procs, before_swap=place_cursor)
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
                connection.execute(insert(SearchChange.__table__), rows)

    def repair(self) -> str:
        """Start-up repair: rebuild a missing/broken index; queue records changed since the
        index was last written; apply what is pending. Returns what it did."""
        if not registered_sources():
            return "no sources"
        if not self.index.exists() or not self.index.is_healthy():
            count = self.reindex(procs=1)  # no forking inside a serving process
            return f"rebuilt ({count} documents)"
        position = read_cursor(self.index.current_dir())
        if position is not None and now() - position.checked_at > self.log_days * 86400 - 3600:
            # Not caught up for longer than the log is kept: changes it never saw are pruned.
            count = self.reindex(procs=1)
            return f"rebuilt, too far behind the change log ({count} documents)"
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


def _newest_generation_dir(root: Path) -> Path:
    return max(root.glob("gen-*"), key=lambda path: int(path.name.removeprefix("gen-")))


def get_service(app: Flask | None = None) -> SearchService:
    app = app or current_app
    return app.extensions["search"]


def wake_writer() -> None:
    """Called after a commit that recorded index work."""
    if has_app_context() and "search" in current_app.extensions:
        current_app.extensions["search"].wake()


def start_service(app: Flask) -> SearchService:
    service = SearchService(app)
    app.extensions["search"] = service

    @app.before_request
    def start_search_repair():
        if not service.started and app.config.get("SEARCH_STARTUP_REPAIR") \
                and not app.config.get("TESTING"):
            service.started = True
            service.start_repair()

    return service
