"""Building the Whoosh query for a parsed user query within a scope: words and phrases over the
scope's text fields, identifiers, field filters, dates, exclusions and the title boost."""
from __future__ import annotations

from datetime import datetime

from whoosh import query as Q

from webapp.search.documents import day_term, normalize_identifier
from webapp.search.pool import PooledSearcher
from webapp.search.query import FILTER_FIELDS, Clause, ParsedQuery
from webapp.search.schema import IDENTIFIER_FIELDS, TEXT_ANALYZER
from webapp.search.scope import Scope
from webapp.search.whoosh_internals import AndNot, ScopeDocsQuery, ScopedPhrase

IDENTIFIER_BOOST = 50.0
TITLE_BOOST = 2.0
MAX_WORD_CHARS = 60
MAX_PREFIX_EXPANSION = 64


def identifier_query(identifier: str) -> Q.Query:
    value = normalize_identifier(identifier)
    return Q.Or([Q.Term(name, value) for name in IDENTIFIER_FIELDS])


def full_query(pooled: PooledSearcher, parsed: ParsedQuery, scope: Scope, restrictions: list, *,
               prefix_last: bool, any_word: bool) -> Q.Query | None:
    """The whole query (None: nothing to search for): text and restrictions, intersected with a
    narrow scope, subject matches boosted, excluded words removed."""
    main = text_query(parsed, scope, prefix_last=prefix_last, any_word=any_word)
    if main is None and not restrictions:
        return None
    parts = ([main] if main is not None else []) + restrictions
    if scope.provider_ids and not scope.queues:
        # A narrow scope (one organization): also intersect with it inside the query, so the
        # matcher skips through long posting lists instead of scoring every match and then
        # dropping it at the filter. Scores are unchanged (constant 0); `filter=` stays.
        scope_part = ScopeDocsQuery(scope.filter_query(), pooled.scope_docs)
        parts.append(scope_part)
        if main is not None:  # phrases check word positions only inside the scope
            parts[0] = main.accept(lambda q: ScopedPhrase.scoped(q, scope_part))
    full = parts[0] if len(parts) == 1 else Q.And(parts)
    boost = title_boost(parsed)
    if boost is not None:  # subject matches rank higher; only scored for matching documents
        full = Q.AndMaybe(full, boost)
    excluded = excluded_query(parsed, scope)
    if excluded is not None:
        full = AndNot(full, excluded)
    return full


def word_query(word: str, text_fields, *, prefix: bool = False) -> Q.Query | None:
    word = word[:MAX_WORD_CHARS]
    options = []
    identifier = normalize_identifier(word)
    if any(ch.isdigit() for ch in identifier):
        options += [Q.Term(name, identifier, boost=IDENTIFIER_BOOST) for name in IDENTIFIER_FIELDS]
    stems = [t.text for t in TEXT_ANALYZER(word)]
    if len(stems) == 1:
        options += [Q.Term(name, stems[0]) for name in text_fields]
    elif len(stems) > 1:  # "x-ray" -> both parts, next to each other
        options += [Q.Phrase(name, stems) for name in text_fields]
    if prefix and len(word) >= 3:
        options.append(Q.Prefix("title", word.lower()))
    if not options:
        return None
    return options[0] if len(options) == 1 else Q.Or(options)


def phrase_query(clause: Clause, text_fields) -> Q.Query | None:
    stems = [t.text for t in TEXT_ANALYZER(" ".join(w[:MAX_WORD_CHARS] for w in clause.words))]
    if not stems:
        return None
    if len(stems) == 1:
        return word_query(stems[0], text_fields)
    phrases = [Q.Phrase(name, stems) for name in text_fields]
    return phrases[0] if len(phrases) == 1 else Q.Or(phrases)


def title_boost(parsed: ParsedQuery) -> Q.Query | None:
    stems = {t.text for word in parsed.positive_words() for t in TEXT_ANALYZER(word[:MAX_WORD_CHARS])}
    if not stems:
        return None
    terms = [Q.Term("title", stem, boost=TITLE_BOOST) for stem in sorted(stems)]
    return terms[0] if len(terms) == 1 else Q.Or(terms)


def clause_query(clause: Clause, text_fields, *, prefix: bool = False):
    if clause.phrase:
        return phrase_query(clause, text_fields)
    return word_query(clause.words[0], text_fields, prefix=prefix)


def text_query(parsed: ParsedQuery, scope: Scope, *, prefix_last=False, any_word=False):
    parts = []
    last = len(parsed.required) - 1
    for index, clause in enumerate(parsed.required):
        query = clause_query(clause, scope.text_fields, prefix=prefix_last and index == last)
        if query is not None:
            parts.append(query)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Q.Or(parts) if any_word else Q.And(parts)


def excluded_query(parsed: ParsedQuery, scope: Scope):
    parts = [q for q in (clause_query(c, scope.text_fields) for c in parsed.excluded)
             if q is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.Or(parts)


def restrictions(pooled: PooledSearcher, parsed: ParsedQuery, filters: dict[str, str] | None,
                 date_from: datetime | None, date_to: datetime | None,
                 open_only: bool) -> list | None:
    """field:value terms, facet filters, dates and open-only, as required query parts.
    None means "cannot match anything" (e.g. status:nonsense)."""
    parts = []
    wanted: list[tuple[str, str]] = []
    for name, values in parsed.fields.items():
        wanted += [(name, v) for v in values]
    for name, value in (filters or {}).items():
        if value and name in FILTER_FIELDS | {"sub_category"}:
            wanted.append((name, value))
    for name, value in wanted:
        if name in FILTER_FIELDS or name == "sub_category":
            matches = facet_values(pooled, name, value)
            if not matches:
                return None
            parts.append(Q.Or([Q.Term(name, v) for v in matches]))
        else:  # identifier fields
            parts.append(Q.Term(name, normalize_identifier(value)))
    if date_from or date_to:
        parts.append(Q.TermRange("day", day_term(date_from) if date_from else None,
                                 day_term(date_to) if date_to else None))
    if open_only:
        parts.append(Q.Term("is_open", True))
    return parts


def facet_values(pooled: PooledSearcher, name: str, value: str) -> list[str]:
    """Case- and punctuation-insensitive match of a typed value against the indexed values:
    exact first, else every value that starts with it ("status:pend" -> "Pending Review")."""
    wanted = _squash(value)
    if not wanted:
        return []
    values = pooled.lexicon(name)
    exact = [v for v in values if _squash(v) == wanted]
    return exact or [v for v in values if _squash(v).startswith(wanted)][:MAX_PREFIX_EXPANSION]


def _squash(value) -> str:
    return "".join(ch for ch in str(value).lower() if ch.isalnum())
