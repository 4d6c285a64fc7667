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

import zlib
from array import array
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

# Terms with fewer postings than this are written into the term table itself ("inlined")
# instead of as a posting block: every unique identifier (record key, case number, claim
# number, member ID, account number) and rare words have a single posting.
INLINE_LIMIT = 2


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

    def sorted_terms(self):
        """((fieldname, tbytes), [(docnum, weight, vbytes), ...]) in term order."""
        terms = self._terms
        return ((key, terms[key]) for key in sorted(terms))

    def cleanup(self):
        self._terms = {}


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with a `GroupingPool`, whose postings are written at commit by
    `write_postings` (whole blocks at a time) instead of Whoosh's posting-by-posting field
    writer. The files are Whoosh's W3 format, read by Whoosh's own codec."""

    inline_limit = INLINE_LIMIT

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = GroupingPool()

    def _flush_segment(self):
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        if type(fieldwriter) is not W3FieldWriter:  # another codec: Whoosh's generic path
            super()._flush_segment()
            return
        reader = self.per_document_reader()
        try:
            write_postings(fieldwriter, self.schema, self.pool.sorted_terms(),
                           _length_columns(reader, self.schema, self.pool.fieldnames,
                                           self.docnum),
                           blocklimit=self.codec._blocklimit,
                           compression=self.codec._compression,
                           inline_limit=self.inline_limit)
        finally:
            reader.close()
        fieldwriter.close()


def _length_columns(reader, schema, fieldnames, doccount) -> dict[str, list]:
    """field -> per-document field length (None where the length byte is 0), read once, for
    the fields that store lengths (scorable ones); what Whoosh looks up for every posting."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    to_length = [None] + [byte_to_length(b) for b in range(1, 256)]
    columns = {}
    for fieldname in fieldnames:
        lenfield = f"_{fieldname}_len"
        if fieldname not in schema or not reader.has_column(lenfield):
            continue
        column = reader.column_reader(lenfield, LENGTHS_COLUMN)
        columns[fieldname] = [to_length[column[docnum]] for docnum in range(doccount)]
    return columns


def write_postings(fieldwriter, schema, sorted_terms, lengths, *, blocklimit: int,
                   compression: int, inline_limit: int) -> None:
    """Write every term's postings through a W3FieldWriter's files, a block at a time.

    Produces the bytes W3FieldWriter.add_postings + W3PostingsWriter would (tests/search/
    test_bulk.py compares the files), without Whoosh's per-posting work: a method call, four
    type asserts, a field-length column lookup (a seek + read, and a file-exists check for
    fields without lengths) and block statistics updated one posting at a time.

    Terms with fewer than `inline_limit` postings are stored in the term table (Whoosh's
    "inlined" postings, read by W3Codec.postings_reader as a ListMatcher) instead of a
    block of their own. Whoosh's own writer cannot do that in this version (it calls a
    `set_inline` its TermInfo does not have). Values of a format without values (Existence) are
    inlined as b"" per posting, so a merge reading them back gets bytes, as from a block."""
    tindex = fieldwriter._tindex
    postfile = fieldwriter._postfile
    fieldmap = fieldwriter._fieldmap
    index_append = tindex.index.append
    hashfn = tindex.hashfn
    buckets = tindex.buckets
    pack_lengths = _HASH_LENGTHS.pack

    # Term table and postings are appended to buffers and written in large pieces.
    tbuf = bytearray()
    tbase = tindex.dbfile.tell()
    pbuf = bytearray()
    pbase = postfile.tell()
    flush_at = 8 << 20

    lastfield = None
    lastkey = tindex.lastkey
    fieldprefix = b""
    fixedsize = 0
    field_lengths = None
    for (fieldname, tbytes), postings in sorted_terms:
        if fieldname != lastfield:
            if fieldname in fieldmap:
                fieldid = fieldmap[fieldname]
            else:
                fieldid = fieldmap[fieldname] = len(fieldmap)
            fieldprefix = pack_ushort(fieldid)
            fixedsize = schema[fieldname].format.fixed_value_size()
            field_lengths = lengths.get(fieldname)
            lastfield = fieldname
        terminfo = W3TermInfo()
        count = len(postings)
        if count < inline_limit:
            ids, weights, values = zip(*postings)
            _add_block(terminfo, ids, weights, field_lengths)
            if fixedsize == 0:  # Existence: b"" per posting (see above)
                values = (b"",) * count
            else:
                values = tuple(v for v in values if v)
            terminfo._inlined = (ids, tuple(array("f", weights)), values)
        else:
            start_offset = pbase + len(pbuf)
            pbuf += WHOOSH3_HEADER_MAGIC
            for start in range(0, count, blocklimit):
                chunk = postings[start:start + blocklimit]
                ids, weights, values = zip(*chunk)
                weights32, maxweight, minlength, maxlength = _add_block(
                    terminfo, ids, weights, field_lengths)
                n = len(ids)
                if weights32.count(1.0) == n:
                    mini_weights = None
                elif weights32.count(weights32[0]) == n:
                    mini_weights = weights32[0]
                else:
                    mini_weights = tuple(weights32)
                if fixedsize is None or fixedsize < 0:
                    mini_values = tuple(v for v in values if v)
                elif fixedsize == 0:
                    mini_values = None
                else:
                    mini_values = b"".join(values)
                mini_ids = tuple(map(sub, ids, (0,) + ids[:-1]))
                data = dumps((mini_ids, mini_weights, mini_values), 2)
                if compression:
                    data = zlib.compress(data, compression)
                info = dumps((n, ids[-1], maxweight, compression, length_to_byte(minlength),
                              length_to_byte(maxlength)), 2)
                blocklength = len(info) + len(data)
                if start + blocklimit >= count:  # the last block
                    blocklength = -blocklength
                pbuf += pack_int(blocklength)
                pbuf += info
                pbuf += data
            terminfo._offset = start_offset
            terminfo._length = pbase + len(pbuf) - start_offset
            if len(pbuf) >= flush_at:
                postfile.write(bytes(pbuf))
                pbase += len(pbuf)
                pbuf = bytearray()
        # The term table row, as OrderedHashWriter.add writes it.
        key = fieldprefix + tbytes
        if key <= lastkey:
            raise ValueError(f"terms out of order: {lastkey!r}..{key!r}")
        value = terminfo.to_bytes()
        pos = tbase + len(tbuf)
        index_append(pos)
        tbuf += pack_lengths(len(key), len(value))
        tbuf += key
        tbuf += value
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        lastkey = key
        if len(tbuf) >= flush_at:
            tindex.dbfile.write(bytes(tbuf))
            tbase += len(tbuf)
            tbuf = bytearray()
    postfile.write(bytes(pbuf))
    tindex.dbfile.write(bytes(tbuf))
    tindex.lastkey = lastkey


def _add_block(terminfo, ids, weights, field_lengths):
    """W3TermInfo.add_block for one block; returns (float32 weights, max weight, min and max
    field length), the block's statistics as W3PostingsWriter keeps them."""
    weights32 = array("f", weights)
    maxweight = max(weights)
    if not maxweight > 0:
        maxweight = 0
    minlength, maxlength = None, 0
    if field_lengths is not None:
        present = [length for length in map(field_lengths.__getitem__, ids) if length]
        if present:
            minlength, maxlength = min(present), max(present)
    terminfo._weight += sum(weights32)
    terminfo._df += len(ids)
    if terminfo._minlength is None:
        terminfo._minlength = minlength
    elif minlength is not None:
        terminfo._minlength = min(terminfo._minlength, minlength)
    terminfo._maxlength = max(terminfo._maxlength, maxlength)
    terminfo._maxweight = max(terminfo._maxweight, maxweight)
    if terminfo._minid is None:
        terminfo._minid = ids[0]
    terminfo._maxid = ids[-1]
    return weights32, maxweight, minlength, maxlength


def bulk_writer(ix, *, procs: int, **kwargs):
    """A writer for a new, empty index: one process, or `procs` worker processes that each write
    their own segment (no final merge)."""
    if procs > 1:
        return _BulkMpWriter(ix, procs=procs, batchsize=250, multisegment=True, **kwargs)
    return BulkSegmentWriter(ix, **kwargs)


class _BulkTask(SubWriterTask):
    """Whoosh's worker process (multisegment mode), writing through a GroupingPool."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = BulkSegmentWriter(ix, _lk=False, **self.kwargs)
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
