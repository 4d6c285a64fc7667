"""Search for a signed-in user: their scope, results with links and excerpts, suggestions."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from webapp.providers.services import active_provider_ids
from webapp.queues.services import visible_queues
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Queue, User
from webapp.search import Scope, SearchResults, excerpt, get_source, search
from webapp.search.documents import display_text

FACET_TITLES = {"kind": "Record", "type": "Type", "status": "Status", "category": "Category",
                "queue": "Queue"}
FILTER_NAMES = tuple(FACET_TITLES)
PER_PAGE = 20
# Scope terms of knowledge-base articles (their documents' provider_ids): public ones are for
# everyone, the others for anyone signed in.
PUBLIC_TERM = "kb-public"
SIGNED_IN_TERM = "kb-signed-in"
SUGGESTIONS = 5


def scope_for(user: User | None, *, articles: bool = False) -> Scope:
    """Provider users: their active providers; agents: their queues; supervisors, admins: everything. With
    `articles`, only help articles: every one for anyone signed in, public ones for visitors.
    (The cases-and-messages search never lists articles; they have their own page.)"""
    if articles:
        signed_in = user is not None and user.is_authenticated
        return Scope.providers([SIGNED_IN_TERM if signed_in else PUBLIC_TERM])
    if user.reads_all_queues:
        return Scope.admin()
    if user.is_support_agent:
        return Scope.agent(q.slug for q in visible_queues(user))
    return Scope.providers(active_provider_ids(user))


@dataclass
class ResultItem:
    kind_label: str
    number: str
    title: str
    status: str
    type: str
    updated: datetime | None
    url: str | None
    excerpt: list[tuple[str, bool]] = field(default_factory=list)
    record_id: str = ""


@dataclass
class Facet:
    name: str
    title: str
    values: list[tuple[str, str, int]]  # (value, label, count)
    selected: str = ""


@dataclass
class SearchPage:
    query: str
    results: SearchResults
    items: list[ResultItem]
    facets: list[Facet]
    redirect_url: str | None = None


def _url(kind: str, record_id: str, number: str = "") -> str | None:
    source = get_source(kind)
    if source is not None and source.url_from_number is not None and number:
        return source.url_from_number(number)
    if source is None or source.url_builder is None:
        return None
    return source.url_builder(int(record_id) if record_id.isdigit() else record_id)


def _label(kind: str) -> str:
    source = get_source(kind)
    return source.label if source else kind.capitalize()


def _items(results: SearchResults, with_excerpts: bool) -> list[ResultItem]:
    texts: dict[tuple[str, str], str] = {}
    if with_excerpts:
        wanted = defaultdict(list)
        for hit in results.hits:
            wanted[hit.kind].append(int(hit.record_id) if hit.record_id.isdigit() else hit.record_id)
        for kind, ids in wanted.items():
            source = get_source(kind)
            if source is None:
                continue
            for document in source.load_documents(ids):
                texts[(kind, str(document["id"]))] = display_text(document)  # never internal notes
    return [ResultItem(kind_label=_label(hit.kind), number=hit.number, title=hit.title,
                       status=hit.status, type=hit.type or hit.category, updated=hit.updated,
                       url=_url(hit.kind, hit.record_id, hit.number), record_id=hit.record_id,
                       excerpt=excerpt(texts.get((hit.kind, hit.record_id), ""), results))
            for hit in results.hits]


def _facets(results: SearchResults, selected: dict[str, str], queue_names: dict[str, str]):
    facets = []
    for name, title in FACET_TITLES.items():
        values = results.facets.get(name) or []
        labelled = []
        for value, count in values:
            if name == "queue":
                label = queue_names.get(value, value)
            elif name == "kind":
                label = _label(value)
            else:
                label = value
            labelled.append((value, label, count))
        if labelled:
            facets.append(Facet(name, title, labelled, selected.get(name, "")))
    return facets


def _day(value: date | None, end: bool = False) -> datetime | None:
    if value is None:
        return None
    return datetime.combine(value, time.max if end else time.min)


def search_page(user: User, query: str, *, filters: dict[str, str], date_from: date | None,
                date_to: date | None, sort: str, page: int) -> SearchPage:
    scope = scope_for(user)
    filters = {k: v for k, v in filters.items() if k in FILTER_NAMES and v}
    results = search(scope, query, page=page, per_page=PER_PAGE, filters=filters,
                     date_from=_day(date_from), date_to=_day(date_to, end=True),
                     sort="date" if sort == "date" else "relevance")
    redirect_url = None
    if len(results.exact_matches) == 1 and page == 1 and not filters and not (date_from or date_to):
        kind, record_id = results.exact_matches[0]
        redirect_url = _url(kind, record_id)
    # Queue names are not secret (a case's Owner column shows them): label every facet value.
    queue_names = {slug: name for slug, name in db.session.execute(select(Queue.slug, Queue.name))}
    return SearchPage(query=query, results=results, items=_items(results, with_excerpts=True),
                      facets=_facets(results, filters, queue_names), redirect_url=redirect_url)


def suggestions(user: User, query: str) -> list[ResultItem]:
    """Top matches while typing: the last word may be unfinished."""
    results = search(scope_for(user), query, per_page=SUGGESTIONS, facets=False, count=False,
                     prefix_last=True)
    return _items(results, with_excerpts=False)


def similar_open(user: User, text: str, kind: str) -> list[ResultItem]:
    """Open records of `kind` in the user's scope sharing words with `text` (a new subject)."""
    if kind not in ("case", "thread", "article"):
        return []
    results = search(scope_for(user, articles=kind == "article"), text, per_page=SUGGESTIONS, facets=False,
                     count=False, open_only=True, any_word=True, filters={"kind": kind})
    return _items(results, with_excerpts=False)


def draft_suggestions(user: User, subject: str, kind: str) -> dict:
    """What a provider writing a new case or message sees beside its Subject: help articles that may
    answer it first, then the office's similar open records (the context of search/_similar.html)."""
    text = (subject or "").strip()
    items = similar_open(user, text, kind) if len(text) >= 3 else []
    articles = (similar_open(user, text, "article")
                if len(text) >= 3 and user.is_provider_user and kind in ("case", "thread") else [])
    return {"items": items, "kind": kind, "articles": articles, "source": "case" if kind == "case" else "message"}


def matching_articles(user: User | None, text: str, *, per_page: int = SUGGESTIONS, page: int = 1):
    """Articles in the user's scope matching `text` (any word), best first."""
    return search(scope_for(user, articles=True), text, page=page, per_page=per_page, facets=False,
                  count=True, any_word=True, filters={"kind": "article"})
