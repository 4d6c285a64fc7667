"""Bulk index building for `SearchIndex.rebuild` (a whole new index from every record).

Whoosh's stock writer pushes every posting through `PostingPool`: a size estimate and two
asserts per posting, then a full sort of (field, term, docnum, weight, value) tuples, spilled to
run files and merged back through `heapq.merge` + `marshal` whenever `limitmb` is reached. At 100k
cases (~9 million postings) that sorting/spilling was ~70% of a reindex.

A rebuild writes each document exactly once, in ascending document numbers, into a fresh
segment, so the postings of one term already arrive in order: `GroupingPool` appends them to a
per-(field, term) list and sorts only the distinct terms at the end (memory: ~100 bytes per
posting, ~1 GB at 100k cases for one process). The live writer (`SearchIndex.apply`) keeps
Whoosh's own pool: it merges segments and must stay small.
"""
from __future__ import annotations

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter


class GroupingPool:
    """In-memory posting pool: postings grouped per (field, term) as they are added."""

    def __init__(self):
        self._terms: dict[tuple[str, bytes], list] = {}

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self._terms.get(key)
        if postings is None:
            self._terms[key] = postings = []
        postings.append((docnum, weight, vbytes))

    @property
    def fieldnames(self) -> set[str]:
        return {fieldname for fieldname, _ in self._terms}

    def iter_postings(self):
        terms = self._terms
        for key in sorted(terms):
            fieldname, tbytes = key
            for docnum, weight, vbytes in terms[key]:
                yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self):
        self._terms = {}


def bulk_writer(ix, *, procs: int, **kwargs):
    """A writer for a new, empty index: one process, or `procs` worker processes that each write
    their own segment (no final merge)."""
    if procs > 1:
        return _BulkMpWriter(ix, procs=procs, batchsize=250, multisegment=True, **kwargs)
    writer = SegmentWriter(ix, **kwargs)
    writer.pool = GroupingPool()
    return writer


class _BulkTask(SubWriterTask):
    """Whoosh's worker process (multisegment mode), writing through a GroupingPool."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        writer.pool = GroupingPool()
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        self.resultqueue.put((None, fieldnames, segment), timeout=5)


class _BulkMpWriter(MpWriter):
    def _new_task(self):
        task = _BulkTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                         self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task
