"""Helpers for helpdesk tests: demo threads and cases made through the app's own pages."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.messages.conftest import ask_about_claim, claim_of, thread_id_from
from webapp.extensions import db
from webapp.models import Case, CaseStatus, MessageThread, User


def switch(client, email: str):
    client.post("/sign-out")
    response = sign_in(client, email)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return client


def new_thread(app, client, subject="Why was this paid at this amount?",
               body="Please explain the payment.") -> int:
    _, claim_number = claim_of(app, "000123456")
    switch(client, "staff@sunrise.example")
    return thread_id_from(ask_about_claim(client, claim_number, subject=subject, body=body))


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def pending_provider_case(app) -> str:
    """A Sunrise case waiting for the office, assigned to the demo agent."""
    with app.app_context():
        case = db.session.scalar(select(Case).join(Case.provider).where(
            Case.status == CaseStatus.PENDING_PROVIDER, Case.assigned_to_id.is_not(None))
            .order_by(Case.id))
        return case.number


def thread(app, thread_id: int) -> MessageThread:
    with app.app_context():
        item = db.session.get(MessageThread, thread_id)
        db.session.expunge(item)
        return item


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


@pytest.fixture
def agent(client, demo):
    return switch(client, "agent@plan.example")
