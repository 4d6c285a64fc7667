"""Whoosh pickles the schema (field types and their formats, i.e. classes of ours) into each
index's table of contents. An index written by an earlier version of this code must still open
and answer after a class moves: tests/search/data/index-before-split/ was written (rebuild of
test_engine.CORPUS, then one live update) by the code before engine.py was split into modules."""
from __future__ import annotations

import importlib
import os
import pickletools
import shutil
from pathlib import Path

from tests.search.test_engine import CORPUS, SUNRISE_USER, case, keys
from webapp.search.engine import SearchIndex

OLD_INDEX = Path(__file__).parent / "data" / "index-before-split"


def _install(old_index: Path, root: Path) -> SearchIndex:
    generation = root / "gen-1"
    shutil.copytree(old_index, generation)
    os.symlink(generation.name, root / "current")
    return SearchIndex(root)


def test_an_index_written_before_the_split_opens_answers_and_takes_updates(tmp_path):
    index = _install(OLD_INDEX, tmp_path)
    assert index.exists() and index.is_healthy() and index.doc_count() == len(CORPUS)
    assert keys(index.search("timely filing", SUNRISE_USER)) == ["case:1"]
    assert keys(index.search('"filing limit"', SUNRISE_USER)) == ["case:1"]
    assert keys(index.search("CLM778899", SUNRISE_USER))[0] == "case:1"
    assert keys(index.search("october -denied", SUNRISE_USER)) == []
    assert keys(index.search("eligibility", SUNRISE_USER)) == ["case:2"]  # re-written by the live update
    index.apply([case(1, title="Zebra question")], [])
    assert keys(index.search("zebra", SUNRISE_USER)) == ["case:1"]


def _pickled_globals(toc: bytes) -> set[tuple[str, str]]:
    """(module, name) of every class a pickle refers to, in each pickle inside the file."""
    found, start = set(), toc.find(b"\x80")
    while start != -1:
        try:
            strings = []
            for opcode, arg, _ in pickletools.genops(toc[start:]):
                if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
                    strings.append(arg)
                elif opcode.name == "STACK_GLOBAL":
                    found.add((strings[-2], strings[-1]))
                elif opcode.name == "GLOBAL":
                    found.add(tuple(arg.split(" ", 1)))
                elif opcode.name == "STOP":
                    break
        except Exception:  # noqa: BLE001 - not a pickle at this offset
            pass
        start = toc.find(b"\x80", start + 1)
    return found


def test_every_class_pickled_into_an_index_is_importable_where_the_index_says(tmp_path):
    fresh = SearchIndex(tmp_path / "fresh")
    fresh.rebuild(CORPUS)
    for index_dir in (OLD_INDEX, fresh.current_dir()):
        toc = next(Path(index_dir).glob("*.toc")).read_bytes()
        ours = {(m, n) for m, n in _pickled_globals(toc) if m.startswith("webapp.")}
        assert ("webapp.search.schema", "StemmedPositions") in ours
        for module, name in ours:
            assert hasattr(importlib.import_module(module), name), f"{module}.{name}"
