"""The bulk rebuild's own postings writer (webapp/search/bulk.py, whoosh_internals.py): same files as Whoosh's writer,
identifiers inlined into the term table, and an index that answers like one built by the live
writer, also after live updates, deletes and merges."""
from __future__ import annotations

import random
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from webapp.search.bulk import GroupingPool, deflate
from webapp.search.engine import Scope, SearchIndex
from webapp.search.ordering import by_scope, index_fields
from webapp.search.schema import build_schema
from webapp.search.whoosh_internals import BulkSegmentWriter

WORDS = ("claim denied appeal timely filing payment remittance referral eligibility coverage "
         "the of and patient member provider corrected review pending records x-ray lab "
         "quincy zephyr marlow orchid").split()


def documents(count: int, seed: int = 7):
    """Synthetic cases: common words (posting lists longer than one 128-posting block), rare
    words, unique identifiers, two providers, several statuses."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1)
    for record_id in range(1, count + 1):
        rare = f"rare{rng.randint(1, count)}"
        yield "case", {
            "id": record_id, "number": f"1206{record_id:08d}",
            "title": " ".join(rng.choices(WORDS, k=4)),
            "body": [" ".join(rng.choices(WORDS, k=rng.randint(3, 40))) + f" {rare}",
                     f"Patient {rng.choice(WORDS)}"],
            "internal": [" ".join(rng.choices(WORDS, k=5))] if record_id % 7 == 0 else [],
            "claim_numbers": [f"C{record_id:09d}"], "member_ids": [f"M{record_id:08d}"],
            "account_numbers": [f"PA{record_id:06d}"] if record_id % 3 else [],
            "provider_ids": [1 + record_id % 2], "queue": "claims-inquiry",
            "status": rng.choice(["Open", "Closed", "Pending Provider"]), "type": "Claim",
            "is_open": record_id % 2 == 0,
            "created": start + timedelta(hours=record_id),
            "updated": start + timedelta(hours=record_id, days=rng.randint(0, 9)),
        }


def build(directory: Path, writer_factory, docs) -> None:
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = writer_factory(ix)
    for kind, document in docs:
        writer.add_document(**index_fields(kind, document))
    writer.commit()


def segment_files(directory: Path) -> dict[str, bytes]:
    """The segment's files by their name without the (random) segment id."""
    found = {}
    for path in directory.glob("MAIN_*.*"):
        if path.name != "MAIN_WRITELOCK":
            found[path.name.split(".", 1)[1]] = path.read_bytes()
    return found


def test_bulk_segment_files_are_the_bytes_whoosh_writes(tmp_path):
    docs = list(documents(700))
    stock, stock_pool, bulk = tmp_path / "stock", tmp_path / "grouping", tmp_path / "bulk"
    for directory in (stock, stock_pool, bulk):
        directory.mkdir()

    def grouping(ix):  # Whoosh's field writer fed by the grouping pool
        writer = SegmentWriter(ix, compound=False)
        writer.pool = GroupingPool()
        return writer

    def bulk_no_inline(ix):
        writer = BulkSegmentWriter(ix, compound=False)
        writer.inline_limit = 1  # Whoosh's default: nothing inlined
        writer.deflate = zlib.compress  # Whoosh's compression call and level (same bytes)
        writer.compression = 3
        return writer

    build(stock, lambda ix: SegmentWriter(ix, compound=False), docs)
    build(stock_pool, grouping, docs)
    build(bulk, bulk_no_inline, docs)
    expected = segment_files(stock)  # terms, postings, stored fields, lengths, columns
    assert {"trm", "pst", "_stored.col", "_text_len.col", "status.col"} <= set(expected)
    assert segment_files(stock_pool) == expected
    assert segment_files(bulk) == expected


def test_unique_terms_are_inlined_and_read_back_the_same(tmp_path):
    docs = list(documents(400))
    stock, bulk = tmp_path / "stock", tmp_path / "bulk"
    stock.mkdir()
    bulk.mkdir()
    build(stock, lambda ix: SegmentWriter(ix, compound=False), docs)
    build(bulk, lambda ix: BulkSegmentWriter(ix, compound=False), docs)
    with whoosh_index.open_dir(str(stock)).reader() as a, \
            whoosh_index.open_dir(str(bulk)).reader() as b:
        terms = list(a.all_terms())
        assert terms == list(b.all_terms())
        inlined = 0
        for fieldname, text in terms:
            info_a, info_b = a.term_info(fieldname, text), b.term_info(fieldname, text)
            assert not info_a.is_inlined()
            inlined += info_b.is_inlined()
            assert info_b.is_inlined() == (info_b.doc_frequency() == 1)
            for name in ("weight", "doc_frequency", "min_length", "max_length", "max_weight",
                         "min_id", "max_id"):
                assert getattr(info_a, name)() == getattr(info_b, name)(), (fieldname, text, name)
            ma, mb = a.postings(fieldname, text), b.postings(fieldname, text)
            items_a, items_b = [], []
            for matcher, items in ((ma, items_a), (mb, items_b)):
                while matcher.is_active():
                    items.append((matcher.id(), matcher.weight(), matcher.value() or b""))
                    matcher.next()
            assert items_a == items_b, (fieldname, text)
        # every record key, case number, claim number and member ID (4 x 400) at least
        assert inlined >= 1600


SCOPES = [Scope.providers([1]), Scope.providers([2]), Scope.providers([1, 2]),
          Scope.agent(["claims-inquiry"]), Scope.admin()]
QUERIES = ["claim", "claim denied", '"timely filing"', "appeal -payment", "x-ray",
           "120600000042", "C000000042", "m00000007", "PA000005", "claim:c000000123",
           "status:open review", "rare17", "rare5 patient", "quincy orchid marlow",
           "nothingatall"]


def answers(index: SearchIndex):
    found = []
    for scope in SCOPES:
        for text in QUERIES:
            for sort in ("relevance", "date"):
                results = index.search(text, scope, sort=sort, per_page=15)
                found.append((text, sort, results.total, results.facets,
                              results.exact_matches,
                              [(h.kind, h.record_id, round(h.score, 4)) for h in results.hits]))
            suggestions = index.search(text, scope, count=False, facets=False,
                                       prefix_last=True, per_page=5)
            found.append((text, "suggest", [h.record_id for h in suggestions.hits]))
    return found


@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuilt_index_answers_like_one_built_by_live_updates(tmp_path, procs):
    docs = list(documents(300))
    live = SearchIndex(tmp_path / "live")  # Whoosh's own writer, one commit: one segment
    live.create_empty()
    # in the rebuild's document order (by provider, see ordering.by_scope): same numbers
    live.apply(sorted(docs, key=lambda kd: (kd[1]["provider_ids"], kd[1]["queue"])), [])
    rebuilt = SearchIndex(tmp_path / "rebuilt")
    assert rebuilt.rebuild(docs, procs=procs) == 300
    if procs == 1:  # same segment, same document numbers: identical answers, scores included
        assert answers(rebuilt) == answers(live)
    else:  # two segments: the same matches, counts and facets; order among equal scores and
        # per-segment length statistics may differ, so compare hit sets without scores
        assert unscored(answers(rebuilt)) == unscored(answers(live))


def unscored(found):
    plain = []
    for item in found:
        if item[1] == "suggest":
            plain.append(item[:2])
        else:
            text, sort, total, facets, exact, hits = item
            plain.append((text, sort, total, facets, sorted(exact),
                          sorted(h[:2] for h in hits) if total <= 15 else len(hits)))
    return plain


def test_inlined_identifiers_are_found_updated_deleted_and_merged(tmp_path):
    docs = dict((d["id"], (k, d)) for k, d in documents(200))
    index = SearchIndex(tmp_path)
    index.rebuild(docs.values())
    everyone = Scope.admin()
    assert [h.record_id for h in index.search("C000000042", everyone).hits] == ["42"]
    assert index.search("C000000042", everyone).exact_matches == [("case", "42")]

    # update: the old claim number is gone, the new one is found
    kind, doc = docs[42]
    doc = dict(doc, claim_numbers=["CNEW4242"], title="zyxwvut updated")
    index.apply([(kind, doc)], [])
    assert index.search("C000000042", everyone).total == 0
    assert [h.record_id for h in index.search("cnew4242", everyone).hits] == ["42"]
    assert index.search("zyxwvut", everyone).total == 1
    assert index.search("M00000042", everyone).total == 1  # unchanged inlined identifier

    # delete
    index.apply([], ["case:43"])
    assert index.search("M00000043", everyone).total == 0
    assert index.search("120600000043", everyone).total == 0

    # many live commits, then a full merge: inlined postings are read back and rewritten
    for record_id in range(50, 70):
        kind, doc = docs[record_id]
        index.apply([(kind, dict(doc, title=f"revised {record_id}"))], [])
    ix = whoosh_index.open_dir(str(index.current_dir()))
    ix.optimize()
    assert len(ix._segments()) == 1
    assert [h.record_id for h in index.search("cnew4242", everyone).hits] == ["42"]
    assert index.search("C000000043", everyone).total == 0
    for record_id in (1, 55, 200):
        assert [h.record_id for h in index.search(f"C{record_id:09d}", everyone).hits] \
            == [str(record_id)]
        assert index.search(f"M{record_id:08d}", everyone).total == 1
        assert index.search(f"1206{record_id:08d}", everyone).total == 1
    assert index.search("revised", everyone).total == 20
    assert index.doc_count() == 199


def test_the_bulk_deflate_is_read_by_zlib():
    rng = random.Random(3)
    for size in (0, 1, 70, 900, 5000, 40000):
        data = bytes(rng.choice(b"abcdefgh ") for _ in range(size))
        assert zlib.decompress(deflate(data, 3)) == data


def test_a_rebuild_numbers_documents_by_scope_in_runs():
    docs = list(documents(10))  # providers alternate 2, 1, 2, 1, ...
    ordered = list(by_scope(docs, chunk=4))
    assert [f["record_id"] for f in ordered] == ["2", "4", "1", "3",  # run 1: provider 1, 2
                                                 "6", "8", "5", "7",
                                                 "10", "9"]
    assert len(list(by_scope(docs))) == 10


def test_a_rebuilt_index_groups_each_organization(tmp_path):
    index = SearchIndex(tmp_path)
    index.rebuild(documents(40))
    with index.searcher() as pooled:
        providers = [pooled.searcher.stored_fields(n)["record_id"]
                     for n in range(pooled.searcher.doc_count_all())]
    ids = [int(p) for p in providers]
    assert [i % 2 for i in ids] == [0] * 20 + [1] * 20  # provider 1 (even ids), then 2
    assert ids[:20] == sorted(ids[:20]) and ids[20:] == sorted(ids[20:])
