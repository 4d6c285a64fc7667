"""What the search index knows about an article. Scope: the index's provider terms carry the
audience (PUBLIC_TERM for everyone, SIGNED_IN_TERM for signed-in users; see search/services.py)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from webapp.blueprints.kb.markdown import plain_text
from webapp.blueprints.kb.services import category_names
from webapp.blueprints.search.services import PUBLIC_TERM, SIGNED_IN_TERM
from webapp.extensions import db
from webapp.models import Article, Audience
from webapp.search import register_source, track_model


def load_documents(ids):
    names = category_names()
    for article in db.session.scalars(select(Article).where(Article.id.in_(list(ids)))):
        yield {
            "id": article.id,
            "number": f"KB-{article.id:04d}",
            "title": article.title,
            "body": [plain_text(article.body)],
            "provider_ids": [PUBLIC_TERM, SIGNED_IN_TERM] if article.audience == Audience.PUBLIC
            else [SIGNED_IN_TERM],
            "queue": "",
            "status": "Published",
            "type": "Article",
            "category": names.get(article.category, article.category),
            "is_open": True,  # offered beside the similar open records
            "created": article.created_at,
            "updated": article.updated_at,
        }


def all_ids():
    return [(article_id, updated) for article_id, updated in db.session.execute(select(Article.id, Article.updated_at))]


def article_url(article_id) -> str:
    return url_for("kb.article", article_id=int(article_id))


def register_with_search() -> None:
    register_source("article", load_documents, all_ids, url_builder=article_url, label="Article")
    track_model(Article, "article", lambda article: article.id)
