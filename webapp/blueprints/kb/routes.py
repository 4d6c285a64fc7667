"""Help articles: the list and search (public ones without signing in), one article, writing and
editing (agents), and "This answered my question" from a New Message or Create Case draft."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from webapp.audit import record_request
from webapp.blueprints.kb import bp, services
from webapp.blueprints.kb.forms import ArticleForm, ArticleSearchForm
from webapp.blueprints.kb.markdown import render
from webapp.blueprints.kb.search_source import register_with_search
from webapp.blueprints.search.services import matching_articles
from webapp.extensions import db
from webapp.htmx import redirect_to, render_page
from webapp.search import IndexUnavailable

SEARCH_RESULTS = 20

MAX_ID = 2 ** 63 - 1  # larger ids in URLs exist nowhere (and would overflow the database driver)


def _id_or_404(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value



@bp.record_once
def _register_search_source(_state):
    register_with_search()


@bp.app_template_filter("markdown")
def markdown_filter(text: str):
    return render(text)


def _agent_only():
    if not current_user.is_authenticated or not current_user.is_agent:
        abort(404)


@bp.route("/help/articles", methods=["GET", "POST"])
def index():
    """Articles by category; a search (POST: what people type may name a patient)."""
    form = ArticleSearchForm()
    results, problem = None, None
    if request.method == "POST" and form.validate():
        query = (form.q.data or "").strip()[:500]
        if query:
            try:
                results = matching_articles(current_user, query, per_page=SEARCH_RESULTS)
            except IndexUnavailable:
                problem = "Search is unavailable for a moment. The articles are listed below."
    return render_page("kb/index.html", "results", form=form, results=results, problem=problem,
                       grouped=services.articles_by_category(current_user),
                       categories=services.category_names())


@bp.route("/help/articles/<int:article_id>")
def article(article_id: int):
    found = services.visible_article(current_user, _id_or_404(article_id))
    if found is None:
        abort(404)
    return render_page("kb/article.html", article=found, categories=services.category_names(),
                       source=request.args.get("from") if request.args.get("from") in services.SOURCES else "")


@bp.route("/help/articles/<int:article_id>/answered", methods=["POST"])
@login_required
def answered(article_id: int):
    """"This answered my question": the draft is closed (nothing is sent) and it is counted."""
    found = services.visible_article(current_user, _id_or_404(article_id))
    if found is None or not current_user.is_provider_user:
        abort(404)
    source = request.args.get("source", "message")
    services.record_answer(current_user, found, source)
    record_request("article.answered", "article", found.id)
    db.session.commit()
    flash(f"Glad \u201c{found.title}\u201d answered your question. Your draft was closed and nothing was sent.",
          "success")
    return redirect_to(url_for("main.home"))


def _fill(form: ArticleForm) -> None:
    form.category.choices = [("", "Choose a category")] + list(services.category_names().items())


def _edit(found=None):
    _agent_only()
    form = ArticleForm(obj=found) if found is not None and request.method == "GET" else ArticleForm()
    if found is not None and request.method == "GET":
        form.audience.data = found.audience.value
    _fill(form)
    status = 200
    if request.method == "POST":
        errors = services.check_article(form.title.data or "", form.body.data or "", form.category.data or "",
                                        form.audience.data or "", form.review_on.data)
        form.validate()
        if form.review_on.errors:
            errors["review_on"] = "Enter the review date as a date, like 2027-06-30."
        if not errors:
            saved = services.save_article(current_user, found, title=form.title.data, body=form.body.data,
                                          category=form.category.data, audience=form.audience.data,
                                          review_on=form.review_on.data)
            db.session.flush()
            record_request("article.save", "article", saved.id)
            db.session.commit()
            flash("The article was saved.", "success")
            return redirect_to(url_for("kb.article", article_id=saved.id))
        for name, message in errors.items():
            getattr(form, name).errors = [message]
        status = 422
    return render_page("kb/edit.html", form=form, article=found, status=status,
                       preview=render(form.body.data) if form.body.data else None)


@bp.route("/help/articles/new", methods=["GET", "POST"])
@login_required
def new_article():
    return _edit()


@bp.route("/help/articles/<int:article_id>/edit", methods=["GET", "POST"])
@login_required
def edit_article(article_id: int):
    _agent_only()
    found = services.visible_article(current_user, _id_or_404(article_id))
    if found is None:
        abort(404)
    return _edit(found)
