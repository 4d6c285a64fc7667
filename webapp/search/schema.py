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
  terms per date per document (its trie encoding), for nothing.
"""
from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.lang.porter import stem
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, STORED, TEXT, Schema

# One analyzer object shared by the text fields (and by the query builder and the excerpt cutter).
TEXT_ANALYZER = StemmingAnalyzer(cachesize=100_000)

# --- indexing the text fields without the token pipeline -----------------------------------------
# Whoosh indexes a TEXT field by running the analyzer's generator chain (tokenizer -> lowercase ->
# stop words -> stemmer, one Token object passed through four generators per word) and then
# grouping the tokens. For a bulk reindex that chain was a large share of the work. The formats
# below compute the same terms, frequencies and positions as TEXT_ANALYZER in one loop (same
# pattern, lower-casing, stop list, minimum size, position renumbering and Porter stemmer);
# tests/search/test_schema.py checks they agree with the analyzer. Only indexing uses them: the
# posting encoding is Whoosh's own, so readers and queries are unchanged.
_WORD = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE)   # whoosh's default_pattern
_STOPS = frozenset(STOP_WORDS)
_STEMS: dict[str, str | bool] = {}   # lower-cased word -> its stem, or False: not indexed
_MAX_STEMS = 200_000


def stemmed_positions(value: str) -> dict[str, list[int]]:
    """stem -> positions, exactly as TEXT_ANALYZER(value, positions=True) would give them."""
    found: dict[str, list[int]] = {}
    stems = _STEMS
    pos = -1
    first = True
    ascii_only = value.isascii()  # then lower-casing first gives the same words, lower-cased
    for index, word in enumerate(_WORD.findall(value.lower() if ascii_only else value)):
        if not ascii_only:
            word = word.lower()
        term = stems.get(word)
        if term is None:
            if len(stems) >= _MAX_STEMS:
                stems.clear()
            term = stems[word] = False if len(word) < 2 or word in _STOPS else stem(word)
        if term is False:  # too short or a stop word: dropped, later positions renumbered
            continue
        if first:  # StopFilter(renumber=True): the first kept word keeps its position
            pos, first = index, False
        else:
            pos += 1
        positions = found.get(term)
        if positions is None:
            found[term] = [pos]
        else:
            positions.append(pos)
    return found


_ONE_POSITION: dict[int, bytes] = {}   # position -> Positions().encode([position])


class StemmedPositions(Positions):
    """Positions for a TEXT_ANALYZER field, computed by `stemmed_positions`. Most words occur
    once in a document: their encoded single position is cached (Positions.encode pickles a
    list per call)."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        one = _ONE_POSITION
        encode = self.encode
        for term, positions in stemmed_positions(value).items():
            if len(positions) == 1:
                encoded = one.get(positions[0])
                if encoded is None:
                    encoded = encode(positions)
                    if len(one) < 100_000:
                        one[positions[0]] = encoded
                yield term, 1, boost, encoded
            else:
                yield term, len(positions), len(positions) * boost, encode(positions)


class StemmedFrequency(Frequency):
    """Frequencies for a TEXT_ANALYZER field (no positions), computed by `stemmed_positions`."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, positions in stemmed_positions(value).items():
            yield term, len(positions), len(positions) * boost, pack_uint(len(positions))


def _stemmed_text(*, phrase: bool = True, **options) -> TEXT:
    field_type = TEXT(analyzer=TEXT_ANALYZER, phrase=phrase, **options)
    field_type.format = StemmedPositions() if phrase else StemmedFrequency()
    return field_type

IDENTIFIER_FIELDS = ("number", "claim", "member", "account")
PROVIDER_TEXT_FIELDS = ("text",)
AGENT_TEXT_FIELDS = ("text", "internal")
FACET_FIELDS = ("kind", "type", "status", "category", "queue")
KINDS = ("case", "thread")


def build_schema() -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),                      # "case:42"
        kind=ID(stored=True, sortable=True),
        record_id=STORED(),                       # shown, never searched
        number=ID(),                              # case / thread number, lower-cased by us
        shown_number=STORED(),                    # as the user knows it
        claim=KEYWORD(lowercase=True, scorable=True),
        member=KEYWORD(lowercase=True, scorable=True),
        account=KEYWORD(lowercase=True, scorable=True),
        title=_stemmed_text(stored=True, phrase=False),  # score + prefixes only
        text=_stemmed_text(),
        internal=_stemmed_text(),
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
