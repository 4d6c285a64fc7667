"""SQL statements per page: the load bench's pages stay within what docs/PERFORMANCE.md measured
(a count, not a time: it does not depend on the machine). An N+1 (one query per row or per
search hit) shows up here as a count that grows with the data."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from webapp.extensions import db


@contextmanager
def counted(app):
    """Statements this thread sends (the search writer's own thread is not counted)."""
    statements: list[str] = []
    me = threading.get_ident()

    def record(conn, cursor, statement, *rest):
        if threading.get_ident() == me:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for(app, client, method: str, url: str, data=None) -> list[str]:
    client.open(url, method=method, data=data)  # warm: the same page once before counting
    with counted(app) as statements:
        response = client.open(url, method=method, data=data)
    assert response.status_code == 200, (url, response.status_code)
    return statements


@pytest.fixture
def staff(app, signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.post("/messages/new", data={
        "category": "general-question", "subcategory": "general-question",
        "subject": "Portal hours", "body": "When is the portal down for maintenance?"})
    assert response.status_code == 303
    return client


def first_link(client, page: str, pattern: str) -> str:
    found = re.search(pattern, client.get(page).get_data(as_text=True))
    assert found, pattern
    return found.group(0).removeprefix('href="')


@pytest.mark.parametrize(("page", "most"), [("/", 8), ("/cases", 4), ("/messages", 6)])
def test_list_pages(app, staff, page, most):
    statements = statements_for(app, staff, "GET", page)
    assert len(statements) <= most, "\n".join(statements)


def test_case_page_loads_its_case_with_its_provider_queue_and_people(app, staff):
    url = first_link(staff, "/cases", r'href="/cases/\d[\d-]*')
    statements = statements_for(app, staff, "GET", url)
    assert len(statements) <= 9, "\n".join(statements)
    assert not any(s.lstrip().startswith("SELECT queue.") for s in statements)


def test_thread_page(app, staff):
    url = first_link(staff, "/messages", r'href="/messages/\d+')
    statements = statements_for(app, staff, "GET", url)
    assert len(statements) <= 9, "\n".join(statements)


@pytest.mark.parametrize(("url", "field", "most"), [("/search", "q", 8), ("/search/suggest", "q", 3)])
def test_search_links_need_no_query_per_hit(app, staff, url, field, most):
    statements = statements_for(app, staff, "POST", url, {field: "claim"})
    assert len(statements) <= most, "\n".join(statements)
    assert not any('SELECT "case".number' in s for s in statements)
