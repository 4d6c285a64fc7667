"""Every use of Whoosh's private names and internal attributes, in one place.

The rest of webapp/search uses Whoosh's public API only. What is here depends on how
whoosh-reloaded 2.7.5 works inside, so it refuses to import with another version: an upgrade
must re-read this module against the new Whoosh, re-run tests/search (test_bulk.py compares the
bulk writer's files with Whoosh's byte for byte; test_whoosh_internals.py compares each query
part with the stock query it replaces and checks the upstream bugs worked around are still
there) and then move WHOOSH_VERSION on.

- Query parts for a provider scope (`ScopeDocsQuery`, `ScopedPhrase`): the same answers as
  Whoosh's ConstantScoreQuery / Phrase, cheaper for a query inside one organization.
- `AndNot`: Whoosh's AndNot without its first-document bug (see AndNotMatcher).
- The bulk rebuild writer (`bulk_writer`): Whoosh's W3 files written a block at a time from the
  `GroupingPool` (bulk.py), with single postings inlined into the term table, working around
  the set_inline/set_inlined mismatch in whoosh3.py (see write_postings).
Why each exists and what it gave: docs/PERFORMANCE.md.
"""
from __future__ import annotations

import importlib.metadata
import pickle
import zlib
from array import array
from operator import sub
from pickle import dumps

from whoosh import matching
from whoosh import query as Q
from whoosh.codec.whoosh3 import (LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3FieldWriter,
                                  W3TermInfo)
from whoosh.fields import FieldType
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.matching.binary import IntersectionMatcher
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.query.spans import SpanNear2, SpanWrappingMatcher
from whoosh.searching import SearchContext
from whoosh.system import pack_int, pack_ushort
from whoosh.util import make_binary_tree, random_name
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from webapp.search.bulk import INLINE_LIMIT, REPEATED_VALUE_FIELDS, GroupingPool, deflate

WHOOSH_DISTRIBUTION = "whoosh-reloaded"
WHOOSH_VERSION = "2.7.5"


def check_whoosh_version(installed: str) -> None:
    """Refuse any Whoosh but the one this module was written and tested against."""
    if installed != WHOOSH_VERSION:
        raise ImportError(
            f"webapp/search/whoosh_internals.py uses private parts of {WHOOSH_DISTRIBUTION} "
            f"{WHOOSH_VERSION}, but {installed} is installed: re-check this module and "
            f"tests/search against it before changing WHOOSH_VERSION")


check_whoosh_version(importlib.metadata.version(WHOOSH_DISTRIBUTION))


# --- query parts -----------------------------------------------------------------------------

class ScopeDocsQuery(Q.ConstantScoreQuery):
    """The scope's terms as a constant-score (0) query part whose document numbers are read
    once per segment of a pooled searcher and then reused: Whoosh's ConstantScoreQuery decodes
    the scope's whole posting list (a large organization's is long) on every query (what that
    cost: docs/PERFORMANCE.md). `cache` belongs to one pooled searcher, which never sees a
    later index change (a changed index gets a new searcher and a new cache).

    Private Whoosh API: `ConstantScoreQuery._rewrap` (called by Query.accept to rebuild the
    wrapper around a changed child; overridden to carry the cache along)."""

    def __init__(self, child, cache: dict):
        super().__init__(child, 0.0)
        self._cache = cache

    def _rewrap(self, child):
        return self.__class__(child, self._cache)

    def matcher(self, searcher, context=None):
        context = context or SearchContext()
        if context.needs_current:
            return super().matcher(searcher, context)
        key = (id(searcher.reader()), self.child)
        ids = self._cache.get(key)
        if ids is None:
            found = self.child.matcher(searcher, context)
            ids = array("I", found.all_ids()) if found.is_active() else array("I")
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[key] = ids
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(ids, all_weights=self.score)


class ScopedPhrase(Q.Phrase):
    """A phrase whose candidates (documents with every word) are intersected with the scope
    before word positions are decoded. Whoosh's phrase matcher, asked for its next match, walks
    every document of the whole index that has all the words, decoding positions for each, until
    one has the phrase; inside a large And that was the slowest query kind (docs/PERFORMANCE.md).
    Only a plain phrase (slop 1, in order, several words) is replaced; any other stays Whoosh's.
    Answers exactly like Q.Phrase & scope (tests/search/test_whoosh_internals.py)."""

    def __init__(self, fieldname, words, scope_part, boost=1.0):
        super().__init__(fieldname, words, boost=boost)
        self.scope_part = scope_part

    @classmethod
    def scoped(cls, query, scope_part):
        if type(query) is Q.Phrase and query.slop == 1 and len(query.words) > 1:
            return cls(query.fieldname, query.words, scope_part, boost=query.boost)
        return query

    def matcher(self, searcher, context=None):
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh raises its QueryError
        reader = searcher.reader()
        words = [field.to_bytes(word) for word in self.words]
        if any((fieldname, word) not in reader for word in words):
            return matching.NullMatcher()
        scope = self.scope_part.matcher(searcher, context)
        if not scope.is_active():
            return matching.NullMatcher()
        ms = [Q.Term(fieldname, word).matcher(searcher, context) for word in words]
        matcher = ScopedSpanMatcher(ms, scope)
        if self.boost != 1.0:
            matcher = matching.WrappingMatcher(matcher, boost=self.boost)
        return matcher


class ScopedSpanMatcher(SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase (SpanNear2, slop 1, ordered) matcher over the words' intersection with
    the scope. Private Whoosh API: SpanNear2Matcher's attributes `ms`, `slop`, `ordered`,
    `mindist` (set here instead of by its __init__, which would build its own intersection)."""

    def __init__(self, ms, scope):
        self.ms = ms
        self.slop, self.ordered, self.mindist = 1, True, 1
        self.scope = scope
        self._words = make_binary_tree(IntersectionMatcher, ms)
        SpanWrappingMatcher.__init__(self, IntersectionMatcher(self._words, scope))

    def score(self):  # the words' score only, as Whoosh's phrase gives it
        return self._words.score()

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.scope.copy())


class AndNotMatcher(matching.AndNotMatcher):
    """Works around an upstream bug (whoosh-reloaded 2.7.5, whoosh/matching/binary.py,
    AndNotMatcher._find_first, line 573): it tests its first document against the excluded words
    only when the excluded matcher happens to start on that same document. When the excluded
    matcher starts on an earlier one, the first match was returned even if it had an excluded
    word ("october -claims" found a record with "claims"; which record depends on document
    numbers). Private Whoosh API: `_find_first`, `_find_next`, the children `a` and `b`.
    tests/search/test_whoosh_internals.py checks stock Whoosh still has the bug: when that test
    fails, the upstream fix has landed and this class can go."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(Q.AndNot):
    """Q.AndNot answered by the fixed AndNotMatcher."""

    def matcher(self, searcher, context=None):
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return AndNotMatcher(scored, excluded)


# --- bulk rebuild writer ---------------------------------------------------------------------

class BulkSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with a `GroupingPool`, whose postings are written at commit by
    `write_postings` (whole blocks at a time) instead of Whoosh's posting-by-posting field
    writer. The files are Whoosh's W3 format, read by Whoosh's own codec."""

    inline_limit = INLINE_LIMIT
    deflate = staticmethod(deflate)
    # zlib level for posting blocks and stored fields (Whoosh: 3). Level 1 is faster for a
    # slightly larger index (docs/PERFORMANCE.md); readers decompress any level.
    compression = 1

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = GroupingPool()
        # The stored-fields column compresses each document with zlib.compress: same
        # small-window deflate (read back by its reader's zlib.decompress).
        stored = getattr(self.perdocwriter, "_colwriters", {}).get("_stored")
        stored = getattr(stored, "_child", None)
        if stored is not None and getattr(stored, "_compress", None) is zlib.compress:
            stored._compress = lambda data, level: self.deflate(data, self.compression)
        # Fields with few distinct values (status, queue, day, ...): their postings are the
        # same for every document with that value, so Whoosh's analysis runs once per value.
        self._index_cache: dict[tuple[str, object], list] = {}
        self._cached_fields = frozenset(name for name in self.schema.names()
                                        if name in REPEATED_VALUE_FIELDS)
        # Vectors and separate spelling fields (unused by this schema) go through Whoosh's own
        # add_document; decided once here rather than for every document.
        self._stock_fields = frozenset(
            name for name in self.schema.names()
            if self.schema[name].vector or self.schema[name].separate_spelling())

    def add_document(self, **fields):
        """SegmentWriter.add_document for a bulk build: the same postings, stored values,
        lengths and columns, with postings appended straight to the grouping pool and the
        analysis of repeated values (REPEATED_VALUE_FIELDS) cached. Vectors and separate
        spelling fields (unused by this schema) go through Whoosh's own method."""
        schema = self.schema
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        if not self._stock_fields.isdisjoint(fieldnames):
            return super().add_document(**fields)
        self._check_state()
        self._check_fields(schema, fieldnames)
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        cache = self._index_cache
        cached_fields = self._cached_fields
        docboost = self._doc_boost(fields)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    if fieldname in cached_fields:
                        cache_key = (fieldname, value)
                        items = cache.get(cache_key)
                        if items is None:
                            if len(cache) >= 10_000:
                                cache.clear()
                            items = cache[cache_key] = list(field.index(value))
                    elif type(field).index is FieldType.index and isinstance(value, str):
                        # FieldType.index without its per-term utf8encode() call
                        items = ((text.encode("utf-8"), freq, weight, vbytes)
                                 for text, freq, weight, vbytes
                                 in field.format.word_values(value, field.analyzer,
                                                             mode="index"))
                    else:
                        items = field.index(value)
                    scorable = field.scorable
                    terms = pool.terms_of(fieldname)
                    for tbytes, freq, weight, vbytes in items:
                        weight *= fieldboost
                        if scorable:
                            length += freq
                        postings = terms.get(tbytes)
                        if postings is None:
                            terms[tbytes] = postings = []
                        postings.append((docnum, weight, vbytes))
                customval = fields.get("_stored_%s" % fieldname, value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                       length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column,
                                                  field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

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
                           compression=self.compression, deflate=self.deflate,
                           inline_limit=self.inline_limit)
        finally:
            reader.close()
        fieldwriter.close()


def _length_columns(reader, schema, fieldnames, doccount) -> dict[str, list]:
    """field -> per-document field length (None where the length byte is 0), read once, for
    the fields that store lengths (scorable ones); what Whoosh looks up for every posting."""
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
                   compression: int, inline_limit: int, deflate=zlib.compress) -> None:
    """Write every term's postings through a W3FieldWriter's files, a block at a time.

    Produces the bytes W3FieldWriter.add_postings + W3PostingsWriter would (tests/search/
    test_bulk.py compares the files), without Whoosh's per-posting work: a method call, four
    type asserts, a field-length column lookup (a seek + read, and a file-exists check for
    fields without lengths) and block statistics updated one posting at a time.

    Terms with fewer than `inline_limit` postings are stored in the term table (Whoosh's
    "inlined" postings, read by W3Codec.postings_reader as a ListMatcher) instead of a
    block of their own. Works around an upstream bug: Whoosh's own writer cannot inline
    (whoosh-reloaded 2.7.5, whoosh/codec/whoosh3.py line 744: W3PostingsWriter calls
    `terminfo.set_inline(...)`, but W3TermInfo defines `set_inlined`, line 1211; Whoosh
    avoids the crash only because its default inline limit of 1 never inlines). This sets
    `W3TermInfo._inlined` directly; tests/search/test_whoosh_internals.py checks the mismatch
    is still there. Values of a format without values (Existence) are inlined as b"" per
    posting, so a merge reading them back gets bytes, as from a block."""
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
                    data = deflate(data, compression)
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
    """Whoosh's worker process (multisegment mode), writing through a BulkSegmentWriter."""

    def run(self):
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = BulkSegmentWriter(ix, _lk=False, **self.kwargs)
        # The process ends right after its segment is written (multiprocessing ends a forked
        # worker with os._exit): freeing millions of postings one by one first is wasted work.
        writer.pool.keep_on_cleanup = True
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

    def _process_file(self, filename, doc_count):
        """A batch written by _BulkMpWriter._enqueue: one pickled list of documents."""
        tempstorage = self.writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as f:
            batch = pickle.load(f)
        add_document = self.writer.add_document
        for code, fields in batch:
            assert code == 0
            add_document(**fields)
        tempstorage.delete_file(filename)


class _BulkMpWriter(MpWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        # Fork the workers now, while this process is small: the rebuild then loads and sorts
        # every document here (ordering.by_scope), which forked children would otherwise
        # inherit (and partly copy as their garbage collector walks it).
        while len(self.tasks) < self.procs:
            self._new_task()

    def _new_task(self):
        task = _BulkTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                         self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self):
        """Whoosh pickles a batch one document at a time with protocol 2 (which stores bytes
        values through a codecs call); one pickle of the whole batch at the highest protocol
        costs the parent and the worker less."""
        batch = self.docbuffer
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        if len(self.tasks) < self.procs:
            self._new_task()
        self.jobqueue.put((filename, len(batch)))
        self.docbuffer = []
