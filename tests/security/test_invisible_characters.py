"""Text that reads as empty is empty: control characters and invisible formatting marks are removed
from every form's text before its rules run, so a Subject of NUL characters is "required", and
nothing invisible is stored."""
from __future__ import annotations

from sqlalchemy import select

from tests.helpdesk.conftest import switch, text_of
from tests.messages.conftest import claim_of
from webapp.extensions import db
from webapp.models import CaseComment, MessageThread, SavedInboxView
from webapp.security import visible_text


def test_visible_text_keeps_what_people_type_and_drops_what_nobody_sees():
    assert visible_text("Line one\r\n\tLine two – café 😀") == "Line one\r\n\tLine two – café 😀"
    assert visible_text("QA\x00nul\x01ctl\x7f\x9f") == "QAnulctl"
    assert visible_text("\u200b\u200d\u202e\ufeff\u2060") == ""
    assert visible_text("bad \ud800 surrogate") == "bad  surrogate"


def test_a_subject_of_nul_characters_is_required_and_nothing_is_sent(app, client, demo):
    _, claim_number = claim_of(app, "000123456")
    switch(client, "staff@sunrise.example")
    with app.app_context():
        before = db.session.scalar(select(db.func.count(MessageThread.id)))
    response = client.post("/messages/new", content_type="multipart/form-data", data={
        "category": "claims", "subcategory": "claim-question", "claim_number": claim_number,
        "subject": "\x00\x00", "body": "Please explain the payment."})
    assert response.status_code == 422
    assert "Subject" in text_of(response) and "was sent" not in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(MessageThread.id))) == before


def test_a_comment_is_stored_without_control_characters(app, client, demo):
    switch(client, "staff@sunrise.example")
    with app.app_context():
        from_case = db.session.scalar(select(CaseComment).order_by(CaseComment.id))
        number = from_case.case.number
    client.post(f"/cases/{number}/comment", data={"comment": "QA\x00nul\x01ctl"}, content_type="multipart/form-data")
    with app.app_context():
        latest = db.session.scalar(select(CaseComment).order_by(CaseComment.id.desc()))
        assert latest.body == "QAnulctl"


def test_a_saved_view_named_only_invisible_characters_is_refused(app, client, demo):
    switch(client, "agent@plan.example")
    for name in ("\x00", "\x00\x01", "\u200b"):
        page = text_of(client.post("/inbox/views", data={"name": name}, follow_redirects=True))
        assert "Enter a name for this view." in page
    with app.app_context():
        assert db.session.scalar(select(SavedInboxView).where(SavedInboxView.name == "")) is None
