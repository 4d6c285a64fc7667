"""The documents' index fields, in the order a rebuild writes them (by who may see them)."""
from __future__ import annotations

from typing import Iterable

from webapp.search.documents import to_index_fields

SCOPE_ORDER_CHUNK = 25_000


def index_fields(kind: str, document: dict) -> dict:
    """A document's index fields, leaving out empty values (an empty ID would become a real ""
    term)."""
    fields = to_index_fields(kind, document)
    return {k: v for k, v in fields.items() if v not in ("", None) or k in ("is_open",)}


def by_scope(documents: Iterable[tuple[str, dict]], chunk: int = SCOPE_ORDER_CHUNK):
    """The documents' index fields, each run of `chunk` documents ordered by who may see them
    (provider set, then queue; otherwise in the order given). Document numbers then follow
    organizations, so a scoped query's posting-list skips stay inside the organization's few
    posting blocks per run instead of decoding blocks all over the index (docs/PERFORMANCE.md).
    Runs rather than one sort of everything: memory stays bounded and the writer processes
    start on the first run while the next is read."""
    def key(fields):
        return fields.get("scope_providers", b""), fields.get("queue", "")

    run: list[dict] = []
    for kind, document in documents:
        run.append(index_fields(kind, document))
        if len(run) >= chunk:
            run.sort(key=key)
            yield from run
            run = []
    run.sort(key=key)
    yield from run
