"""SQLite: one writer at a time, waiting in line instead of polling.

SQLite lets one connection write at a time. Another writer retries in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25... ms between tries, so under load a write (and every case
or thread page, whose view writes its audit row) waits for the next try with the CPU idle, well
after the lock was freed. Here a connection takes a queue lock just before its first write of a
transaction and gives it back right after the commit or rollback; the others wait on that lock
and go on the moment it is freed: a threading lock within the process, and an flock on a file
beside the database across processes (gunicorn workers, the background worker, the CLI).

The queue only stands in front of SQLite's own locking, which still decides: a process that does
not take it (another tool, an older version) is as safe as before, and is waited for through the
busy timeout as before. PostgreSQL needs none of this (row locks, no single writer).
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
IN_PROCESS_WAIT = 20.0  # seconds; a write transaction here takes milliseconds
_WRITING_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _raw(dbapi_connection):
    """The driver's connection behind SQLAlchemy's pool proxy (the same object for one checkout)."""
    return getattr(dbapi_connection, "dbapi_connection", dbapi_connection)


class WriterQueue:
    def __init__(self, lock_path: str):
        self.lock_path = lock_path
        self._in_process = threading.Lock()
        self._file: int | None = None
        self._file_pid: int | None = None
        self.holder = None  # the driver connection whose transaction holds the queue

    def _lock_file(self) -> int:
        # flock belongs to the open file: a worker forked from a process that had it open must
        # open its own, or parent and child would count as one holder.
        if self._file is None or self._file_pid != os.getpid():
            self._file = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._file_pid = os.getpid()
        return self._file

    def take(self, connection) -> None:
        if self.holder is connection:
            return
        if not self._in_process.acquire(timeout=IN_PROCESS_WAIT):
            # Only a thread writing on two connections at once waits this long (its other
            # connection holds the queue): it goes on without, and SQLite's busy timeout decides
            # as it did before the queue, instead of waiting for itself forever.
            log.warning("sqlite writer queue: waited %s s in this process; going on without it",
                        IN_PROCESS_WAIT)
            return
        try:
            fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
        except BaseException:
            self._in_process.release()
            raise
        self.holder = connection

    def give_back(self, connection) -> None:
        if self.holder is not connection:
            return
        self.holder = None
        try:
            fcntl.flock(self._lock_file(), fcntl.LOCK_UN)
        finally:
            self._in_process.release()


def queue_writers(engine: Engine) -> WriterQueue | None:
    """Put `engine`'s write transactions in line (an SQLite file only); returns the queue."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    queue = WriterQueue(os.path.abspath(database) + ".writers")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn, cursor, statement, parameters, context, executemany):
        writes = context is not None and (context.isinsert or context.isupdate or context.isdelete
                                          or context.isddl)
        if writes or statement.lstrip()[:7].upper().startswith(_WRITING_VERBS):
            queue.take(_raw(conn.connection))

    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection):
        try:
            commit(dbapi_connection)
        finally:
            queue.give_back(_raw(dbapi_connection))

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        finally:
            queue.give_back(_raw(dbapi_connection))

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @event.listens_for(engine, "close")
    def _closed(dbapi_connection, _record):  # a connection closed mid-transaction gives it back too
        queue.give_back(_raw(dbapi_connection))

    return queue
