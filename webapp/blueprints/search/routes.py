from flask import render_template, request, url_for
from flask_login import current_user, login_required

from webapp.blueprints.search import bp
from webapp.blueprints.search.forms import SORTS, SearchForm
from webapp.blueprints.search.services import (FILTER_NAMES, search_page, similar_open,
                                               suggestions)
from webapp.htmx import redirect_to, render_page


def _fragment(template: str, **context):
    response = render_template(template, **context)
    return response, 200, {"Vary": "HX-Request", "Cache-Control": "no-store"}


@bp.route("")
@login_required
def results():
    form = SearchForm(formdata=request.args)
    form.validate()  # bad dates or page numbers are ignored, never a 500
    query = (form.q.data or "").strip()
    filters = {name: (getattr(form, name).data or "").strip() for name in FILTER_NAMES}
    page_data = None
    if query or any(filters.values()):
        page_data = search_page(
            current_user, query, filters=filters,
            date_from=form.date_from.data if not form.date_from.errors else None,
            date_to=form.date_to.data if not form.date_to.errors else None,
            sort=form.sort.data, page=form.page.data if not form.page.errors and form.page.data else 1)
        if page_data.redirect_url:
            return redirect_to(page_data.redirect_url)

    def page_url(**changes):
        args = {k: v for k, v in request.args.items() if v}
        args.update({k: v for k, v in changes.items()})
        args = {k: v for k, v in args.items() if v not in (None, "")}
        return url_for("search.results", **args)

    return render_page("search/results.html", form=form, query=query, data=page_data,
                       filters=filters, page_url=page_url, sorts=SORTS)


@bp.route("/suggest")
@login_required
def suggest():
    query = (request.args.get("q") or "").strip()
    items = suggestions(current_user, query) if len(query) >= 2 else []
    return _fragment("search/_suggestions.html", items=items, query=query)


@bp.route("/similar")
@login_required
def similar():
    """"Similar open cases/messages" under a new subject field (kind=case|thread)."""
    kind = request.args.get("kind", "case")
    text = (request.args.get("subject") or request.args.get("q") or "").strip()
    items = similar_open(current_user, text, kind) if len(text) >= 3 else []
    return _fragment("search/_similar.html", items=items, kind=kind)
