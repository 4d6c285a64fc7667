"""Knowledge base: Markdown rendered and sanitised, who may read which article, search as a third
source with the same scope rules, and "This answered my question" counted."""
from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import func, select

from tests.helpdesk.conftest import switch, text_of
from webapp.blueprints.kb.markdown import render, sanitise
from webapp.extensions import db
from webapp.models import Article, ArticleAnswer, Audience, MessageThread
from webapp.search import get_service


class Elements(HTMLParser):
    """Every element and attribute of some HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    for tag, attrs in Elements(html).found:
        assert tag not in ("script", "img", "iframe", "style", "object"), html
        assert not any(name.startswith("on") for name in attrs), html
        assert attrs.get("href", "https:").split(":", 1)[0] in ("https", "http", "mailto"), html


def test_the_sanitiser_removes_scripts_javascript_links_and_event_attributes():
    raw = ('<p onclick="steal()">x<script>alert(1)</script></p><a href="javascript:alert(1)">a</a>'
           '<a href="JaVaScRiPt:alert(1)">b</a><img src=x onerror="alert(1)"><a href="https://ok.example">c</a>')
    clean = sanitise(raw)
    assert_harmless(clean)
    assert "alert" not in clean and '<a href="https://ok.example" rel="noopener noreferrer">c</a>' in clean


def test_markdown_cannot_smuggle_html_or_script_links():
    html = str(render(
        "# Title\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) [ok](https://plan.example/x)\n\n"
        '<img src=x onerror="alert(1)"> <a href="https://x.example" onclick="steal()">raw</a>\n\n'
        "[data](data:text/html;base64,PHNjcmlwdD4=) **bold**\n"))
    assert_harmless(html)
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert '<a href="https://plan.example/x" rel="noopener noreferrer">ok</a>' in html
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html


def test_tables_lists_and_headings_render():
    html = str(render("## Steps\n\n1. one\n2. two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n"))
    assert "<ol>" in html and "<table>" in html and "<td>2</td>" in html


def _article(app, audience):
    with app.app_context():
        return db.session.scalar(select(Article.id).where(Article.audience == audience).order_by(Article.id))


def test_private_articles_are_never_shown_to_anonymous_visitors(app, client, demo):
    public, private = _article(app, Audience.PUBLIC), _article(app, Audience.PROVIDERS)
    assert client.get(f"/help/articles/{public}").status_code == 200
    assert client.get(f"/help/articles/{private}").status_code == 404
    listing = text_of(client.get("/help/articles"))
    with app.app_context():
        private_title = db.session.get(Article, private).title
        public_title = db.session.get(Article, public).title
    assert public_title in listing and private_title not in listing
    switch(client, "staff@sunrise.example")
    assert private_title in text_of(client.get(f"/help/articles/{private}"))


def test_article_search_uses_the_index_with_the_same_scope(app, client, demo):
    with app.app_context():
        get_service().reindex(procs=1)
    anonymous = text_of(client.post("/help/articles", data={"q": "five documents"}))
    assert "Sending more than five documents" not in anonymous  # a signed-in-only article
    anonymous = text_of(client.post("/help/articles", data={"q": "expedited fax"}))
    assert "Expedited appeals go by fax" in anonymous
    switch(client, "staff@sunrise.example")
    assert "Sending more than five documents about one claim" in text_of(client.post("/help/articles", data={"q": "five documents"}))


def test_agents_write_articles_and_bad_input_is_kept_with_messages(app, client, demo):
    switch(client, "agent@plan.example")
    response = client.post("/help/articles/new", data={"title": "", "body": "x", "category": "nope", "audience": "all"})
    page = text_of(response)
    assert response.status_code == 422 and "Enter a title." in page and "Choose a category." in page
    response = client.post("/help/articles/new", data={"title": "Reading denial codes", "category": "claims",
                                              "audience": "public", "review_on": "2027-01-31",
                                              "body": "Use the **remark codes**. <script>x</script>"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>remark codes</strong>" in page and "<script>x" not in page
    switch(client, "staff@sunrise.example")
    assert client.get("/help/articles/new").status_code == 404


def test_this_answered_my_question_closes_the_draft_and_is_counted(app, client, demo):
    public = _article(app, Audience.PUBLIC)
    switch(client, "staff@sunrise.example")
    # the button submits the New Message draft itself to the article's "answered" address
    response = client.post(f"/help/articles/{public}/answered?source=message",
                           data={"category": "claims", "subject": "Timely filing", "body": "draft text"},
                           follow_redirects=True)
    assert "Your draft was closed and nothing was sent." in text_of(response)
    with app.app_context():
        answer = db.session.scalar(select(ArticleAnswer))
        assert answer.article_id == public and answer.source == "message" and answer.queue_id is not None
        assert db.session.scalar(select(func.count(MessageThread.id))) == 0
    switch(client, "agent@plan.example")
    assert client.post(f"/help/articles/{public}/answered").status_code == 404  # providers' drafts only


def test_the_guide_links_the_articles_of_each_category(client, demo):
    switch(client, "staff@sunrise.example")
    page = text_of(client.get("/messages/guide"))
    assert "Help articles by category" in page and "Grievance or appeal: which one do I need?" in page


def test_articles_appear_beside_similar_records_on_new_message_and_create_case(app, client, demo):
    with app.app_context():
        get_service().reindex(procs=1)
    switch(client, "staff@sunrise.example")
    for kind, source in (("thread", "message"), ("case", "case")):
        html = client.post("/search/similar", data={"subject": "expedited appeal fax", "kind": kind}).get_data(as_text=True)
        assert "Help articles that may answer your question" in html and "Expedited appeals go by fax" in html
        assert f"answered?source={source}" in html and "Still need help" in html
    switch(client, "agent@plan.example")  # agents are not offered articles instead of answering
    html = client.post("/search/similar", data={"subject": "expedited appeal fax", "kind": "thread"}).get_data(as_text=True)
    assert "Help articles" not in html
