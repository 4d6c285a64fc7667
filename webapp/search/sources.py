"""Where indexed documents come from. A feature registers one source per record kind:

    register_source("case", load_documents=case_documents, all_ids=case_ids,
                    changed_since=cases_changed_since, url_builder=case_url, label="Case")

- load_documents(ids) -> iterable of document dicts (webapp/search/documents.py) for the records
  that exist (ids arrive as ints when numeric); records it does not return leave the index.
- all_ids() -> iterable of ids, or of (id, updated) pairs: with pairs `search check` also finds
  records whose index copy is older than the database.
- changed_since(datetime) -> ids changed after that time (optional): lets start-up repair catch
  changes made while no app process was running to index them.
- url_builder(record_id) -> the record's URL, for result links (called in a request).
- url_from_number(number) -> the same URL from the number the index stores with the record
  (optional): result lists then build each link without a query per hit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable

from webapp.search.schema import KINDS as SCHEMA_KINDS

# Knowledge-base articles share the schema's fields (issue 13); fold into schema.KINDS at merge.
KINDS = (*SCHEMA_KINDS, "article")


@dataclass(frozen=True)
class Source:
    kind: str
    load_documents: Callable[[list], Iterable[dict]]
    all_ids: Callable[[], Iterable]
    changed_since: Callable[[datetime], Iterable] | None = None
    url_builder: Callable[[Any], str] | None = None
    label: str = ""
    url_from_number: Callable[[str], str] | None = None


_sources: dict[str, Source] = {}


def register_source(kind: str, load_documents, all_ids, changed_since=None, *, url_builder=None,
                    label: str | None = None, url_from_number=None) -> Source:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; the schema knows {KINDS}")
    source = Source(kind, load_documents, all_ids, changed_since, url_builder,
                    label or kind.capitalize(), url_from_number)
    _sources[kind] = source
    return source


def unregister_source(kind: str) -> None:
    _sources.pop(kind, None)


def get_source(kind: str) -> Source | None:
    return _sources.get(kind)


def registered_sources() -> dict[str, Source]:
    return dict(_sources)


def as_record_id(value: str):
    """Ids are kept as text in the pending table and the index; numeric ones go back as ints."""
    text = str(value)
    return int(text) if text.isdigit() else text
