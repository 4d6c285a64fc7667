"""Knowledge base rules: who sees which article, editing, and counting answered questions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (Article, ArticleAnswer, Audience, MessageCategory, MessageSubcategory, Queue,
                           User)

TITLE_MAX = 200
BODY_MAX = 50_000
SOURCES = {"message": "New Message", "case": "Create Case"}


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def visible_articles(user):
    """Anonymous visitors: public articles; anyone signed in: all of them."""
    query = select(Article)
    if not _signed_in(user):
        query = query.where(Article.audience == Audience.PUBLIC)
    return query


def visible_article(user, article_id: int) -> Article | None:
    return db.session.scalar(visible_articles(user).where(Article.id == article_id))


def category_names() -> dict[str, str]:
    return {slug: name for slug, name in db.session.execute(
        select(MessageCategory.slug, MessageCategory.name).order_by(MessageCategory.position))}


def articles_by_category(user) -> dict[str, list[Article]]:
    grouped: dict[str, list[Article]] = {}
    for article in db.session.scalars(visible_articles(user).order_by(Article.title)):
        grouped.setdefault(article.category, []).append(article)
    return grouped


def check_article(title: str, body: str, category: str, audience: str, review_on: date | None
                  ) -> dict[str, str]:
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Enter a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"The title must be {TITLE_MAX} characters or fewer."
    if not (body or "").strip():
        errors["body"] = "Enter the article text."
    elif len(body) > BODY_MAX:
        errors["body"] = f"The article must be {BODY_MAX:,} characters or fewer."
    if category not in category_names():
        errors["category"] = "Choose a category."
    if audience not in {a.value for a in Audience}:
        errors["audience"] = "Choose who may read it."
    return errors


def save_article(author: User, article: Article | None, *, title: str, body: str, category: str,
                 audience: str, review_on: date | None) -> Article:
    """Create or update (the caller checked the input and commits)."""
    now = utcnow_naive()
    if article is None:
        article = Article(created_by=author, created_at=now)
        db.session.add(article)
    article.title, article.body, article.category = title.strip(), body, category
    article.audience, article.review_on, article.updated_at = Audience(audience), review_on, now
    return article


def queue_of_category(category: str) -> Queue | None:
    """The queue a category's questions go to (its first sub-category's), for the counts."""
    return db.session.scalar(select(Queue).join(MessageSubcategory, MessageSubcategory.queue_id == Queue.id)
                             .join(MessageCategory).where(MessageCategory.slug == category)
                             .order_by(MessageSubcategory.position).limit(1))


def record_answer(user: User, article: Article, source: str) -> ArticleAnswer:
    queue = queue_of_category(article.category)
    answer = ArticleAnswer(article=article, user_id=user.id, source=source if source in SOURCES else "message",
                           queue_id=queue.id if queue else None, created_at=utcnow_naive())
    db.session.add(answer)
    return answer


def answer_counts() -> dict[int, int]:
    return dict(db.session.execute(select(ArticleAnswer.article_id, func.count(ArticleAnswer.id))
                                   .group_by(ArticleAnswer.article_id)).all())


def due_for_review(today: date) -> list[Article]:
    return list(db.session.scalars(select(Article).where(Article.review_on <= today).order_by(Article.review_on)))
