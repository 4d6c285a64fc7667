"""Search pages. Queries travel by POST (CSRF-protected), never in URLs: they may hold PHI
(member IDs, claim numbers, patient names), and URLs end up in history and access logs."""
from flask import render_template, request
from flask_login import current_user, login_required

from webapp.blueprints.search import bp
from webapp.blueprints.search.forms import SORTS, SearchForm
from webapp.blueprints.search.services import FILTER_NAMES, draft_suggestions, search_page, suggestions
from webapp.htmx import redirect_to, render_page


def _fragment(template: str, **context):
    response = render_template(template, **context)
    return response, 200, {"Vary": "HX-Request", "Cache-Control": "no-store"}


def _filters(form: SearchForm) -> dict[str, str]:
    """Current filters (hidden fields), changed by a facet button (set_<name>=value; "" removes)."""
    filters = {name: (getattr(form, name).data or "").strip() for name in FILTER_NAMES}
    for name in FILTER_NAMES:
        if f"set_{name}" in request.form:
            filters[name] = request.form.get(f"set_{name}", "").strip()[:200]
    return filters


@bp.route("", methods=["GET", "POST"])
@login_required
def results():
    form = SearchForm()
    query, filters, data = "", {name: "" for name in FILTER_NAMES}, None
    if request.method == "POST":
        form.validate()  # bad dates or page numbers are ignored, never a 500
        query = (form.q.data or "").strip()
        filters = _filters(form)
        changed_filter = any(f"set_{name}" in request.form for name in FILTER_NAMES)
        page = form.page.data if form.page.data and not form.page.errors and not changed_filter else 1
        if query or any(filters.values()):
            data = search_page(
                current_user, query, filters=filters,
                date_from=None if form.date_from.errors else form.date_from.data,
                date_to=None if form.date_to.errors else form.date_to.data,
                sort=form.sort.data, page=page)
            if data.redirect_url:
                return redirect_to(data.redirect_url)
    return render_page("search/results.html", form=form, query=query, data=data,
                       filters=filters, sorts=SORTS)


@bp.route("/suggest", methods=["POST"])
@login_required
def suggest():
    query = (request.form.get("q") or "").strip()
    items = suggestions(current_user, query) if len(query) >= 2 else []
    return _fragment("search/_suggestions.html", items=items, query=query)


@bp.route("/similar", methods=["POST"])
@login_required
def similar():
    """"Similar open cases/messages" under a new subject field: the case or message form posts
    its `subject` here (hx-post, debounced) with kind=case|thread."""
    kind = request.form.get("kind") or request.args.get("kind", "case")
    return _fragment("search/_similar.html", **draft_suggestions(current_user, request.form.get("subject") or "", kind))
