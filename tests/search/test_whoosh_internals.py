"""webapp/search/whoosh_internals.py against stock Whoosh: each query part answers exactly like the
stock query it replaces (same documents, same scores), the upstream bugs it works around are
still there (when one of those tests fails, Whoosh fixed it: drop the work-around), and it
refuses another Whoosh version."""
from __future__ import annotations

import importlib.metadata
import inspect
import re
from pathlib import Path

import pytest
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3PostingsWriter, W3TermInfo
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from tests.search.test_bulk import documents
from webapp.search import whoosh_internals
from webapp.search.engine import SearchIndex
from webapp.search.scope import Scope
from webapp.search.whoosh_internals import AndNot, ScopeDocsQuery, ScopedPhrase

SCOPES = [Scope.providers([1]), Scope.providers([2]), Scope.providers([1, 2])]
# stems ("deni" is "denied"); the last two are in the index but never next to each other / absent
PHRASES = [("claim", "deni"), ("time", "file"), ("patient", "member"), ("claim", "claim"),
           ("patient", "patient", "patient"), ("quinci", "orchid"), ("lab", "rare17"),
           ("nothing", "here")]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """An index of 600 synthetic cases in several segments (a rebuild, then live updates)."""
    docs = list(documents(600, seed=11))
    index = SearchIndex(tmp_path_factory.mktemp("internals"))
    index.rebuild(docs[:500])
    index.apply(docs[500:550], [])
    index.apply(docs[550:], ["case:7", "case:8"])
    ix = index.folders.open()
    assert len(ix._segments()) >= 2  # noqa: SLF001 - the comparison must cover several segments
    with ix.searcher() as searcher:
        yield searcher


def answers(searcher, query):
    found = searcher.search(query, limit=None)
    return [(hit.docnum, round(hit.score, 6)) for hit in found]


@pytest.mark.parametrize("scope", SCOPES, ids=["provider-1", "provider-2", "both"])
def test_scope_docs_query_answers_like_whooshs_constant_score_query(searcher, scope):
    cache: dict = {}
    for words in (["claim"], ["appeal", "payment"], ["rare17"], ["nothingatall"]):
        text = [Q.Term("text", w) for w in words]
        stock = Q.And(text + [Q.ConstantScoreQuery(scope.filter_query(), 0.0)])
        ours = Q.And(text + [ScopeDocsQuery(scope.filter_query(), cache)])
        expected = answers(searcher, stock)
        assert answers(searcher, ours) == expected
        assert answers(searcher, ours) == expected  # again, from the cache
    assert cache  # the scope's document numbers were kept for this searcher


@pytest.mark.parametrize("scope", SCOPES, ids=["provider-1", "provider-2", "both"])
@pytest.mark.parametrize("words", PHRASES, ids=" ".join)
def test_scoped_phrase_answers_like_whooshs_phrase_within_the_scope(searcher, scope, words):
    stock_scope = Q.ConstantScoreQuery(scope.filter_query(), 0.0)
    scope_part = ScopeDocsQuery(scope.filter_query(), {})
    stock = Q.And([Q.Phrase("text", list(words)), stock_scope])
    ours = Q.And([ScopedPhrase("text", list(words), scope_part), scope_part])
    expected = answers(searcher, stock)
    assert bool(expected) == (words not in PHRASES[-2:])  # the comparison is not of empty lists
    assert answers(searcher, ours) == expected
    boosted = Q.And([ScopedPhrase("text", list(words), scope_part, boost=3.0), scope_part])
    assert answers(searcher, boosted) == answers(
        searcher, Q.And([Q.Phrase("text", list(words), boost=3.0), stock_scope]))


def test_only_plain_phrases_are_replaced(searcher):
    scope_part = ScopeDocsQuery(Scope.providers([1]).filter_query(), {})
    assert type(ScopedPhrase.scoped(Q.Phrase("text", ["claim", "deni"]), scope_part)) is ScopedPhrase
    for query in (Q.Phrase("text", ["claim", "deni"], slop=2), Q.Phrase("text", ["claim"]),
                  Q.Term("text", "claim")):
        assert ScopedPhrase.scoped(query, scope_part) is query


def _and_not_index():
    """Document 0 has only the excluded word, so the excluded matcher starts before the first
    match (document 1, which has both words)."""
    schema = Schema(id=ID(stored=True), text=TEXT)
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        writer.add_document(id="0", text="claims")
        writer.add_document(id="1", text="october claims")
        writer.add_document(id="2", text="october")
        writer.add_document(id="3", text="october claims again")
    return ix


def _ids(ix, query):
    with ix.searcher() as searcher:
        return sorted(hit["id"] for hit in searcher.search(query, limit=None))


def test_and_not_drops_the_first_match_when_it_has_an_excluded_word():
    ix = _and_not_index()
    october, claims = Q.Term("text", "october"), Q.Term("text", "claims")
    assert _ids(ix, AndNot(october, claims)) == ["2"]


def test_stock_whoosh_still_has_the_and_not_first_document_bug():
    """If this fails, Whoosh's AndNotMatcher checks its first document: remove AndNotMatcher."""
    ix = _and_not_index()
    assert _ids(ix, Q.AndNot(Q.Term("text", "october"), Q.Term("text", "claims"))) == ["1", "2"]


def test_stock_whoosh_still_cannot_inline_postings():
    """If this fails, whoosh3.py's writer and W3TermInfo agree on the method name: Whoosh could
    inline single postings itself (re-check write_postings)."""
    assert "set_inline(" in inspect.getsource(W3PostingsWriter)
    assert not hasattr(W3TermInfo, "set_inline") and hasattr(W3TermInfo, "set_inlined")


def test_another_whoosh_version_is_refused():
    installed = importlib.metadata.version(whoosh_internals.WHOOSH_DISTRIBUTION)
    assert installed == whoosh_internals.WHOOSH_VERSION
    whoosh_internals.check_whoosh_version(installed)
    with pytest.raises(ImportError, match="2.7.6 is installed"):
        whoosh_internals.check_whoosh_version("2.7.6")


# Whoosh's private names used by whoosh_internals.py (and one by this test).
WHOOSH_PRIVATE = ("_segments", "_inlined", "_tindex", "_postfile", "_fieldmap", "_colwriters",
                  "_child", "_compress", "_check_state", "_check_fields", "_doc_boost",
                  "_field_boost", "_added", "_flush_segment", "_finalize_segment", "_rewrap",
                  "_find_first", "_find_next", "_blocklimit", "_lengths", "_offset", "_length",
                  "_weight", "_df", "_minlength", "_maxlength", "_maxweight", "_minid", "_maxid",
                  "_process_file", "_new_task", "_enqueue")


def test_no_other_search_module_uses_whooshs_private_names():
    package = Path(whoosh_internals.__file__).parent
    used = re.compile(r"[.\s,(]({})\b".format("|".join(WHOOSH_PRIVATE)))
    internals = (package / "whoosh_internals.py").read_text()
    assert used.search(internals)  # the pattern finds them where they are
    for path in sorted(package.glob("*.py")):
        if path.name != "whoosh_internals.py":
            assert not used.search(path.read_text()), path.name
