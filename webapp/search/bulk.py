"""Bulk index building for `SearchIndex.rebuild` (a whole new index from every record).

Whoosh's stock writer pushes every posting through `PostingPool`: a size estimate and two
asserts per posting, then a full sort of (field, term, docnum, weight, value) tuples, spilled to
run files and merged back through `heapq.merge` + `marshal` whenever `limitmb` is reached; for a
large rebuild that sorting and spilling was most of the work (docs/PERFORMANCE.md).

A rebuild writes each document exactly once, in ascending document numbers, into a fresh
segment, so the postings of one term already arrive in order: `GroupingPool` appends them to a
per-(field, term) list and sorts only the distinct terms at the end (it holds every posting in
memory: how much, docs/PERFORMANCE.md). The live writer (`SearchIndex.apply`) keeps Whoosh's own pool:
it merges segments and must stay small.

This module holds the pool and the compression call; the writer that feeds them and writes
Whoosh's files (`bulk_writer`, `BulkSegmentWriter`) needs Whoosh's private names and so lives in
whoosh_internals.py.
"""
from __future__ import annotations

import zlib

# Terms with fewer postings than this are written into the term table itself ("inlined")
# instead of as a posting block: every unique identifier (record key, case number, claim
# number, member ID, account number) and rare words have a single posting.
INLINE_LIMIT = 2

# Fields whose values repeat across many documents (see BulkSegmentWriter.add_document).
REPEATED_VALUE_FIELDS = frozenset(("kind", "status", "type", "category", "sub_category",
                                   "queue", "is_open", "day", "provider_ids"))


class GroupingPool:
    """In-memory posting pool: postings grouped per field, then per term, as they are added."""

    def __init__(self):
        self._fields: dict[str, dict[bytes, list]] = {}

    def terms_of(self, fieldname: str) -> dict[bytes, list]:
        """term bytes -> [(docnum, weight, vbytes), ...] of one field (to append to)."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        return terms

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.terms_of(fieldname)
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = postings = []
        postings.append((docnum, weight, vbytes))

    @property
    def fieldnames(self) -> set[str]:
        return {fieldname for fieldname, terms in self._fields.items() if terms}

    def iter_postings(self):
        for (fieldname, tbytes), postings in self.sorted_terms():
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes

    def sorted_terms(self):
        """((fieldname, tbytes), [(docnum, weight, vbytes), ...]) in term order."""
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                yield (fieldname, tbytes), terms[tbytes]

    keep_on_cleanup = False  # True in a worker process that ends right after its commit

    def cleanup(self):
        if not self.keep_on_cleanup:
            self._fields = {}


def deflate(data: bytes, level: int) -> bytes:
    """zlib.compress(data, level) with an 8 KB window and a smaller hash table: any zlib
    decompress reads it. zlib.compress sets up a large compression state on every call, which
    costs more than compressing a small posting block or a document's stored fields (malloc
    hands such sizes out by mmap: fresh pages every time; figures in docs/PERFORMANCE.md).
    Posting blocks and stored fields are a few KB at most, so the window size hardly changes
    the output size."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 13, 5)
    return compressor.compress(data) + compressor.flush()
