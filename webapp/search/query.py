"""User query syntax, parsed by hand so no input can raise: words (all must match), "phrases",
-excluded words or phrases, and field:value for status, type, queue, member, claim (also category,
kind). Anything else (unbalanced quotes, a lone *, AND OR, control characters, 5,000 characters)
is read as plain words.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 400
MAX_CLAUSES = 16

# user field name -> index field
FIELD_ALIASES = {
    "status": "status", "type": "type", "queue": "queue", "member": "member", "claim": "claim",
    "category": "category", "kind": "kind", "account": "account", "number": "number",
}
FILTER_FIELDS = {"status", "type", "queue", "category", "kind"}

_TOKEN = re.compile(r'(-?)(?:([A-Za-z_]+):)?"([^"]*)"|(-?)([A-Za-z_]+):(\S+)|(\S+)')
_WORD_CHARS = re.compile(r"[\w]+(?:[.\-/][\w]+)*", re.UNICODE)
# Looks like an identifier: letters and digits with at least 4 digits, or 6+ chars with a digit.
_IDENTIFIER = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-]{4,39}$")


@dataclass
class Clause:
    words: list[str]          # one word, or several for a phrase
    phrase: bool = False


@dataclass
class ParsedQuery:
    required: list[Clause] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)   # index field -> values (AND)

    @property
    def is_empty(self) -> bool:
        return not (self.required or self.fields)

    @property
    def identifier(self) -> str | None:
        """The identifier when the whole query is one identifier-looking token."""
        if len(self.required) == 1 and not self.excluded and not self.fields:
            clause = self.required[0]
            if len(clause.words) == 1 and not clause.phrase and _IDENTIFIER.match(clause.words[0]):
                return clause.words[0]
        return None

    def positive_words(self) -> list[str]:
        return [w for clause in self.required for w in clause.words]


def clean(text: str | None) -> str:
    """Control and format characters become spaces; the length is capped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)[: MAX_QUERY_CHARS * 4])
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def _words(text: str) -> list[str]:
    return _WORD_CHARS.findall(text)


def parse(text: str | None) -> ParsedQuery:
    text = clean(text)
    if text.count('"') % 2:  # unbalanced: the last quote is not a quote
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1:]
    parsed = ParsedQuery()
    clauses = 0
    for match in _TOKEN.finditer(text):
        if clauses >= MAX_CLAUSES:
            break
        quoted_neg, quoted_field, quoted, field_neg, field_name, field_value, bare = match.groups()
        if quoted is not None:
            target = FIELD_ALIASES.get((quoted_field or "").lower())
            if target and not quoted_neg:
                parsed.fields.setdefault(target, []).append(quoted.strip())
                clauses += 1
                continue
            words = _words(quoted if not quoted_field or target else f"{quoted_field} {quoted}")
            if words:
                clause = Clause(words, phrase=len(words) > 1)
                (parsed.excluded if quoted_neg else parsed.required).append(clause)
                clauses += 1
            continue
        if field_name is not None:
            target = FIELD_ALIASES.get(field_name.lower())
            value_words = _words(field_value)
            if target and value_words and not field_neg:
                parsed.fields.setdefault(target, []).append(field_value.strip("\"'.,;"))
                clauses += 1
                continue
            bare = f"{field_neg}{field_name} {field_value}"
        negative = bare.startswith("-") and len(bare) > 1
        for index, word in enumerate(_words(bare)):
            if clauses >= MAX_CLAUSES:
                break
            (parsed.excluded if negative and index == 0 else parsed.required).append(Clause([word]))
            clauses += 1
    return parsed
