"""Help page contents: read from data/help.json (the plan edits numbers there, not in templates)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

HELP_FILE = Path(__file__).resolve().parents[3] / "data" / "help.json"
REQUIRED_KEYS = ("contacts", "have_ready", "incidents")


@lru_cache(maxsize=4)
def help_contents(path: Path = HELP_FILE) -> dict:
    """The help data; a file lacking a section fails loudly at the first request, not silently."""
    contents = json.loads(path.read_text())
    missing = [key for key in REQUIRED_KEYS if key not in contents]
    if missing:
        raise ValueError(f"{path.name} lacks {', '.join(missing)}")
    return contents
