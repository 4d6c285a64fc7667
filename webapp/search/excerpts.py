"""Excerpts: a short piece of a record's text around the words a query matched."""
from __future__ import annotations

from webapp.search.query import ParsedQuery
from webapp.search.schema import TEXT_ANALYZER


def excerpt(text: str, parsed: ParsedQuery, width: int = 180) -> list[tuple[str, bool]]:
    """A short piece of `text` around the first matched words, as (text, is_hit) segments
    (the template escapes them; no HTML is built here)."""
    if not text:
        return []
    wanted = set()
    for word in parsed.positive_words():
        wanted.update(t.text for t in TEXT_ANALYZER(word))
    spans = []
    if wanted:
        for token in TEXT_ANALYZER(text, chars=True, removestops=False):
            if token.text in wanted:
                spans.append((token.startchar, token.endchar))
    if not spans:
        snippet = text[:width]
        return [(snippet + ("…" if len(text) > width else ""), False)]
    start = max(0, spans[0][0] - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + width)
    segments, cursor = [], start
    if start:
        segments.append(("…", False))
    for s, e in spans:
        if s < cursor or e > end:
            continue
        if s > cursor:
            segments.append((text[cursor:s], False))
        segments.append((text[s:e], True))
        cursor = e
    if cursor < end:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append(("…", False))
    return segments
