"""An exclusive lock on a file, held across threads and processes of one machine (flock)."""
from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_file_lock(path: Path, *, timeout: float, poll_seconds: float, busy: Exception):
    """Hold `path` locked for the block. Waits up to `timeout` seconds, then raises `busy`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise busy from None
                time.sleep(poll_seconds)
        yield
    finally:
        handle.close()  # releases the lock
