"""The index schema: one index holds both record kinds ("case" and "thread").

Field choices (see docs/PERFORMANCE.md for why):
- identifiers are exact, lower-cased single tokens (ID/KEYWORD), never stemmed, so "120620171401" or a
  member ID is an exact term lookup and is boosted above text matches;
- free text is stemmed; `text` holds everything a provider may read (subject included) so each
  query word is one posting list (one matcher, cheap to intersect); `title` (the subject again)
  only adds score and serves prefix suggestions. Text is not stored: excerpts are cut from the
  database text of the page's hits, so the index stays small and fast;
- `internal` holds internal notes: only agent searches query it, nothing displays it;
- `provider_ids` and `queue` carry the scope: they are used only as index filters (terms to
  intersect with, and columns `scope_providers`/`queue` to test a document cheaply);
- status/type/category/sub_category/queue are whole-value, sortable (columnar) fields for facets;
- dates: `day` (YYYYMMDD of the last update, one term) for range filters, `updated_ts` (a column, not
  indexed) for "newest first", created/updated stored for display. A DATETIME field would add 8
  terms per date per document (its trie encoding): 16 of ~90 postings per case, for nothing.
"""
from __future__ import annotations

from whoosh.analysis import StemmingAnalyzer
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, STORED, TEXT, Schema

# One analyzer object shared by the text fields (and by the query builder and the excerpt cutter).
TEXT_ANALYZER = StemmingAnalyzer(cachesize=100_000)

IDENTIFIER_FIELDS = ("number", "claim", "member", "account")
PROVIDER_TEXT_FIELDS = ("text",)
AGENT_TEXT_FIELDS = ("text", "internal")
FACET_FIELDS = ("kind", "type", "status", "category", "queue")
KINDS = ("case", "thread")


def build_schema() -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),                      # "case:42"
        kind=ID(stored=True, sortable=True),
        record_id=ID(stored=True),
        number=ID(),                              # case / thread number, lower-cased by us
        shown_number=STORED(),                    # as the user knows it
        claim=KEYWORD(lowercase=True, scorable=True),
        member=KEYWORD(lowercase=True, scorable=True),
        account=KEYWORD(lowercase=True, scorable=True),
        title=TEXT(analyzer=TEXT_ANALYZER, stored=True, phrase=False),  # score + prefixes only
        text=TEXT(analyzer=TEXT_ANALYZER),
        internal=TEXT(analyzer=TEXT_ANALYZER),
        provider_ids=KEYWORD(),
        scope_providers=COLUMN(VarBytesColumn()),    # b" 7 9 " for the filter's membership test
        queue=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        type=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        sub_category=ID(stored=True, sortable=True),
        is_open=BOOLEAN(),
        day=ID(),
        updated_ts=COLUMN(NumericColumn("q")),
        created=STORED(),
        updated=STORED(),
    )
