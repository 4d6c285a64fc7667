"""Where the index lives on disk: folder generations, the writer lock and the atomic swap.

Layout: INDEX_DIR/current is a symlink to INDEX_DIR/gen-<stamp>/ (a Whoosh index). A rebuild
writes a new gen-* folder and swaps the symlink atomically (os.replace), so searches answer from
the old index until the new one is complete. INDEX_DIR/.writer.lock (flock) makes index writing
one-at-a-time across threads and processes (web workers, the CLI).
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from webapp.search.errors import IndexBusy, IndexUnavailable
from webapp.search.locks import exclusive_file_lock
from webapp.search.schema import build_schema


class IndexFolders:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self._indexes: dict[str, object] = {}
        self._indexes_lock = threading.Lock()

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

    def last_modified(self) -> float | None:
        directory = self.current_dir()
        if directory is None:
            return None
        try:
            return max(p.stat().st_mtime for p in directory.glob("*.toc"))
        except ValueError:
            return None

    def open(self):
        """The current generation's Whoosh index (opened once per generation)."""
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
        directory = self.new_generation_dir()
        whoosh_index.create_in(str(directory), build_schema())
        self.swap_in(directory)

    @contextmanager
    def writer_lock(self, timeout: float = 0.0):
        """One index writer at a time across threads and processes; IndexBusy when taken."""
        with exclusive_file_lock(self.root / ".writer.lock", timeout=timeout, poll_seconds=0.05,
                                 busy=IndexBusy("another index writer is running")):
            yield

    def new_generation_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        directory = self.root / f"gen-{time.time_ns()}"
        directory.mkdir()
        return directory

    def swap_in(self, directory: Path) -> None:
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
