"""Where an index folder stands in the database's search change log.

Each index generation folder holds `changes.json`: the highest change id it has applied, the ids
below that it has not seen yet ("gaps"), and when it last caught up. Gaps exist on PostgreSQL:
ids come from a sequence when a row is inserted, so a transaction that took id 10 may commit after
the one that took id 11. A gap is looked for again on every round until it shows up or is
GAP_SECONDS old (its transaction rolled back, or the id was skipped by the sequence). On SQLite
writers are serialised and ids only grow (AUTOINCREMENT), so there are no gaps.

The file is written after the index commit that applied the changes: a crash in between only
applies them again (applying a change loads the record's current state, so it is idempotent).
"""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from webapp.search.locks import exclusive_file_lock

CURSOR_FILE = "changes.json"
GAP_SECONDS = 300
MAX_GAPS = 1000


class CatchUpBusy(RuntimeError):
    """Another process on this machine is catching this index folder up right now."""


@dataclass
class Cursor:
    applied: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # change id -> when first missed
    checked_at: float = 0.0

    def live_gaps(self, now: float) -> list[int]:
        return sorted(i for i, seen in self.gaps.items() if now - seen < GAP_SECONDS)

    def advanced(self, seen_ids: list[int], now: float) -> "Cursor":
        """The cursor after applying the rows `seen_ids` (ids above `applied` or former gaps)."""
        seen = set(seen_ids)
        gaps = {i: t for i, t in self.gaps.items() if i not in seen and now - t < GAP_SECONDS}
        top = max([self.applied, *seen])
        missing = [i for i in range(max(self.applied + 1, top - MAX_GAPS), top) if i not in seen]
        for change_id in missing:
            gaps.setdefault(change_id, now)
        if len(gaps) > MAX_GAPS:
            gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
        return Cursor(applied=top, gaps=gaps, checked_at=now)


def read_cursor(directory: Path) -> Cursor | None:
    """None: this folder has no position (built before the change log; applies the whole log)."""
    try:
        data = json.loads((directory / CURSOR_FILE).read_text())
        return Cursor(applied=int(data["applied"]),
                      gaps={int(k): float(v) for k, v in data.get("gaps", {}).items()},
                      checked_at=float(data.get("checked_at", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cursor(directory: Path, cursor: Cursor) -> None:
    temp = directory / f".{CURSOR_FILE}.{os.getpid()}.tmp"
    temp.write_text(json.dumps({"applied": cursor.applied, "checked_at": cursor.checked_at,
                                "gaps": {str(k): v for k, v in cursor.gaps.items()}}))
    os.replace(temp, directory / CURSOR_FILE)  # atomic: a reader sees the old or the new one


@contextmanager
def catch_up_lock(root: Path, timeout: float = 0.0):
    """One catch-up at a time per index folder (workers of one machine share it). A caller that
    waits longer than `timeout` gets CatchUpBusy: the one running sees its changes too."""
    with exclusive_file_lock(root / ".catch-up.lock", timeout=timeout, poll_seconds=0.02,
                             busy=CatchUpBusy("another process is catching this index up")):
        yield


def now() -> float:
    return time.time()
