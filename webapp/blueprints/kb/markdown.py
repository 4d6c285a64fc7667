"""Article bodies: Markdown rendered by markdown-it-py (CommonMark, raw HTML off), then sanitised
by nh3 (an allow-list of tags and attributes; only http, https and mailto links)."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
ALLOWED_TAGS = {"a", "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre",
                "blockquote", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> Markup:
    """Safe HTML for an article body. Headings start at h2: the page's h1 is the title."""
    html = _renderer.render(text or "").replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return Markup(sanitise(html))


def sanitise(html: str) -> str:
    """Keep only the allowed tags and attributes (the second line of defence after html=False)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def plain_text(text: str) -> str:
    """The words of an article body for the index (tags removed)."""
    return nh3.clean(_renderer.render(text or ""), tags=set())
