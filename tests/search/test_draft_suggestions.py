"""Without JavaScript, "Find help articles" under a new message's or case's Subject shows what the
typed-in suggestions show with it: help articles first, then similar open records; nothing is sent
and everything typed stays."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.helpdesk.conftest import switch, text_of
from webapp.extensions import db
from webapp.models import Case, MessageThread


def test_find_help_articles_on_a_new_message_without_javascript(app, client, demo):
    switch(client, "staff@sunrise.example")
    with app.app_context():
        threads = db.session.scalar(select(func.count(MessageThread.id)))
    response = client.post("/messages/new", content_type="multipart/form-data", data={
        "category": "claims", "subcategory": "claim-question", "subject": "Timely filing denial",
        "body": "Our claim was denied for timely filing.", "find_help": "Find help articles"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Help articles that may answer your question" in page
    assert "Timely filing denials: what to check before you ask" in page
    assert "This answered my question" in page and "Still need help" in page
    assert "Our claim was denied for timely filing." in page  # what was typed stays
    assert "error-summary" not in page  # nothing was checked
    with app.app_context():
        assert db.session.scalar(select(func.count(MessageThread.id))) == threads


def test_find_help_articles_on_a_new_case_without_javascript(app, client, demo):
    switch(client, "staff@sunrise.example")
    with app.app_context():
        cases = db.session.scalar(select(func.count(Case.id)))
    response = client.post("/cases/new?type=general", data={
        "subject": "How to read a remittance advice", "description": "Where is the check number?",
        "find_help": "Find help articles"})
    page = text_of(response)
    assert response.status_code == 200
    assert "How to read a remittance advice (RA)" in page and "This answered my question" in page
    assert "Where is the check number?" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == cases
