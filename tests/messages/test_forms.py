"""Field rules of the Message Center forms: the messages shown next to each field."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.messages import services
from webapp.blueprints.messages.forms import (
    FollowUpForm, GrievanceForm, MoveForm, NewMessageForm, ReplyForm, RulesUploadForm,
)
from webapp.extensions import db
from webapp.models import Claim
from webapp.providers.services import active_providers


def errors_of(app, form_class, data):
    with app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict(data))
        form.validate()
        return {name: field.errors[0] for name, field in form._fields.items() if field.errors}


def test_a_new_message_needs_a_category_a_subject_and_a_message(app):
    assert errors_of(app, NewMessageForm, {"subject": "  ", "body": "\n"}) == {
        "category": "Choose a category.", "subject": "Enter a subject.", "body": "Enter your message."}
    assert errors_of(app, NewMessageForm, {"category": "claims", "subject": "Paid late", "body": "Why?"}) == {}


def test_over_long_fields_say_their_limit(app):
    errors = errors_of(app, NewMessageForm, {
        "category": "claims", "subject": "s" * 201, "body": "b" * 20_001, "claim_number": "1" * 21,
        "contact_name": "n" * 121, "contact_phone": "5" * 31, "reference_id": "r" * 41})
    assert errors == {
        "subject": "The subject must be 200 characters or fewer.",
        "body": "The message must be 20,000 characters or fewer (it has 20,001).",
        "claim_number": "Claim # must be 20 characters or fewer.",
        "contact_name": "Contact name must be 120 characters or fewer.",
        "contact_phone": "Contact phone must be 30 characters or fewer.",
        "reference_id": "Reference ID must be 40 characters or fewer."}


def test_an_odd_provider_id_is_no_choice_rather_than_an_error(app):
    with app.test_request_context(method="POST"):
        form = NewMessageForm(formdata=MultiDict({"provider": "abc", "category": "c", "subject": "s", "body": "b"}))
        assert form.validate() and form.provider.data is None


def test_follow_ups_replies_and_grievances_need_their_text(app):
    assert errors_of(app, FollowUpForm, {"body": ""}) == {"body": "Enter your message."}
    assert errors_of(app, ReplyForm, {"body": "Thanks", "status": "lost"}) == {
        "status": "Choose a status from the list."}
    assert errors_of(app, ReplyForm, {"body": "Thanks", "status": ""}) == {}
    assert errors_of(app, GrievanceForm, {"body": " "}) == {
        "body": "Enter your message.", "contact_name": "Enter the name of the person we can speak to.",
        "contact_phone": "Enter the phone number of the person we can speak to."}


def test_a_thread_moves_only_to_a_listed_queue(app):
    with app.test_request_context(method="POST"):
        for value, ok in (("2", True), ("9", False), ("", False), ("x", False)):
            form = MoveForm(formdata=MultiDict({"queue": value}))
            form.queue.choices = [(1, "Claims Inquiry"), (2, "Grievance and Appeals")]
            assert form.validate() is ok
            assert form.queue.errors == ([] if ok else ["Choose a queue."])


@pytest.mark.parametrize("content, message", [
    (None, "Nothing changed: choose a rules file"),
    (b"[1, 2]", "Nothing changed: the file must hold one JSON object"),
    (b"{not json", "Nothing changed: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
])
def test_a_rules_file_must_be_one_json_object(app, content, message):
    with app.test_request_context(method="POST"):
        data = MultiDict()
        if content is not None:
            data["rules_file"] = FileStorage(io.BytesIO(content), filename="rules.json")
        form = RulesUploadForm(formdata=data)
        assert not form.validate() and form.rules_file.errors == [message]


def test_a_good_rules_file_is_read_for_the_service(app):
    with app.test_request_context(method="POST"):
        form = RulesUploadForm(formdata=MultiDict(
            {"rules_file": FileStorage(io.BytesIO(b'{"categories": []}'), filename="rules.json")}))
        assert form.validate() and form.rules == {"categories": []}


def test_a_new_message_draft_finds_its_references_within_the_users_scope(demo, app):
    with app.app_context():
        staff = find_user_by_login("staff@sunrise.example")
        providers = active_providers(staff)
        own = db.session.scalar(select(Claim).where(Claim.tax_id == "000123456"))
        other = db.session.scalar(select(Claim).where(Claim.tax_id != "000123456"))
        draft, errors = services.new_message_draft(staff, {
            "category": "claims", "subcategory": "claim-question", "claim_number": own.claim_number,
            "subject": "s", "body": "b"}, providers)
        assert errors == {} and draft.claim == own and draft.member == own.member
        assert draft.provider.tax_id == own.tax_id
        _, errors = services.new_message_draft(staff, {
            "category": "claims", "subcategory": "claim-question", "claim_number": other.claim_number,
            "member_id": "NOPE", "subject": "s", "body": "b"}, providers)
        assert errors == {"claim_number": "No claim with this Claim # was found for your Tax IDs.",
                          "member_id": "No member with this Member ID was found for your providers."}
        _, errors = services.new_message_draft(staff, {"category": "claims", "subcategory": "claim-question"},
                                               providers)
        assert errors == {"claim_number": "Enter the Claim # this message is about."}
        draft, errors = services.new_message_draft(staff, {"category": "grievance-and-appeal",
                                                           "subcategory": "expedited-appeal"}, providers)
        assert services.expedited_by_fax(draft)
