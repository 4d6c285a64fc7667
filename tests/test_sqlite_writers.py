"""SQLite writers wait in line (webapp/sqlite_writers.py): a second writer waits on the queue, not
in SQLite's sleeping busy handler, and goes on once the first commits, rolls back or closes."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from sqlalchemy import create_engine, text

from webapp.sqlite_writers import queue_writers


def engine_with_queue(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (body TEXT)"))
    queue = queue_writers(engine)
    assert queue is not None
    return engine, queue


def write_in_thread(engine, body: str) -> threading.Thread:
    def write():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO note (body) VALUES (:body)"), {"body": body})
    thread = threading.Thread(target=write)
    thread.start()
    return thread


def bodies(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(text("SELECT body FROM note")).scalars())


def test_only_sqlite_files_get_a_queue(tmp_path):
    assert queue_writers(create_engine("sqlite://")) is None
    assert queue_writers(create_engine("postgresql+psycopg://postgres@127.0.0.1/none")) is None
    assert queue_writers(create_engine(f"sqlite:///{tmp_path / 'file.sqlite3'}")) is not None


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path):
    engine, queue = engine_with_queue(tmp_path)
    first = engine.connect()
    first.execute(text("INSERT INTO note (body) VALUES ('first')"))
    assert queue.holder is not None  # the first transaction holds the queue until it ends
    second = write_in_thread(engine, "second")
    second.join(0.5)
    assert second.is_alive()  # waiting in line, its insert not sent
    first.commit()
    second.join(10)
    assert not second.is_alive()
    assert bodies(engine) == ["first", "second"]
    assert queue.holder is None
    first.close()


def test_a_rollback_or_a_closed_connection_lets_the_next_writer_go(tmp_path):
    engine, queue = engine_with_queue(tmp_path)
    rolled_back = engine.connect()
    rolled_back.execute(text("INSERT INTO note (body) VALUES ('never')"))
    waiting = write_in_thread(engine, "after rollback")
    waiting.join(0.3)
    assert waiting.is_alive()
    rolled_back.rollback()
    waiting.join(10)
    assert not waiting.is_alive()

    closed = engine.connect()
    closed.execute(text("INSERT INTO note (body) VALUES ('dropped')"))
    closed.invalidate()  # the driver connection is closed mid-transaction
    write_in_thread(engine, "after close").join(10)
    assert bodies(engine) == ["after close", "after rollback"]
    assert queue.holder is None


def test_another_process_holding_the_queue_is_waited_for(tmp_path):
    engine, queue = engine_with_queue(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys\n"
         f"fd = os.open({queue.lock_path!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        writer = write_in_thread(engine, "after the other process")
        writer.join(0.5)
        assert writer.is_alive()
        holder.stdin.close()  # the other process ends and its lock with it
        started = time.monotonic()
        writer.join(10)
        assert not writer.is_alive(), f"still waiting {time.monotonic() - started:.1f} s later"
    finally:
        holder.kill()
        holder.wait()
    assert bodies(engine) == ["after the other process"]
