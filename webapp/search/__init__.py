"""Full-text search over cases and message threads (Whoosh). Every Whoosh import lives in this
package. What features use:

    from webapp.search import register_source, track_model
    register_source("case", load_documents, all_ids, changed_since, url_builder=..., label="Case")
    track_model(Case, "case", lambda case: case.id)
    track_model(CaseComment, "case", lambda comment: comment.case_id)

and, to search: `search(scope, text, ...)` with a `Scope` (see blueprints/search/services.py
`scope_for(user)`). The document dict keys are described in webapp/search/documents.py.
"""
from webapp.search.commands import search_cli
from webapp.search.engine import Hit, IndexUnavailable, Scope, SearchResults
from webapp.search.index_service import get_service, start_service
from webapp.search.query import parse
from webapp.search.sources import get_source, register_source, registered_sources, unregister_source
from webapp.search.tracking import mark, track_model, untrack_model


def init_app(app):
    """The app's search service (webapp/search/index_service.py) and the `flask search` commands."""
    service = start_service(app)
    app.cli.add_command(search_cli)
    return service


def search(scope: Scope, text: str, **options) -> SearchResults:
    """Search the app's index within `scope` (options: page, per_page, filters, date_from,
    date_to, sort="relevance"|"date", facets, open_only, prefix_last)."""
    return get_service().index.search(text, scope, **options)


def excerpt(text: str, results: SearchResults, width: int = 180):
    """(text, is_hit) segments of `text` around the words the query matched."""
    return get_service().index.excerpt(text, results.parsed, width)


__all__ = [
    "Hit", "IndexUnavailable", "Scope", "SearchResults", "excerpt", "get_service", "get_source",
    "init_app", "mark", "parse", "register_source", "registered_sources", "search", "track_model",
    "unregister_source", "untrack_model",
]
