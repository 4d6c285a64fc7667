"""Comments: public replies mail the provider's users (no PHI), internal notes stay internal,
and a provider's comment reopens a recently finished case; later only a follow-up case."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.cases.helpers import claim_form, new_case
from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.cases import services
from webapp.blueprints.cases.forms import CommentForm
from webapp.extensions import db
from webapp.models import Case, CaseStatus, OutgoingMail

START = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def number(world, app):
    with app.app_context():
        return new_case("staff@sunrise.example").number


def test_a_comment_is_added_in_place_with_htmx_and_by_redirect_without(number, signed_in):
    client = signed_in("staff@sunrise.example")
    swap = client.post(f"/cases/{number}/comment", data={"comment": "Any update?"},
                       headers={"HX-Request": "true"})
    fragment = swap.get_data(as_text=True)
    assert swap.status_code == 200 and fragment.lstrip().startswith('<div id="comments-area">')
    assert "Any update?" in fragment and "Sam Rivera" in fragment and "Comment Date" in fragment
    plain = client.post(f"/cases/{number}/comment", data={"comment": "Second note"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/cases/{number}/comment")
    page = client.get(plain.headers["Location"]).get_data(as_text=True)
    assert "Second note" in page and "Your comment was saved." in page


def test_an_empty_comment_is_422(number, signed_in):
    response = signed_in("staff@sunrise.example").post(f"/cases/{number}/comment", data={"comment": " "})
    assert response.status_code == 422 and "Enter the Comment" in response.get_data(as_text=True)


def test_an_agent_reply_mails_the_providers_users_a_link_without_phi(number, signed_in, app):
    agent = signed_in("agent@plan.example")
    assert agent.post(f"/cases/{number}/comment", data={"comment": "Please send the EOB."}).status_code == 303
    with app.app_context():
        mails = db.session.scalars(select(OutgoingMail)).all()
        assert sorted(m.recipient for m in mails) == ["loa@sunrise.example", "staff@sunrise.example"]
        for mail in mails:
            assert mail.subject == "A case has a new comment"
            assert f"/cases/{number}" in mail.body
            for phi in ("Jamie", "W123456789", "10/01/2026", "1250", "EOB", "PA-77", "wrong rate"):
                assert phi not in mail.subject + mail.body
            assert mail.sent_at is not None  # delivered after commit (.eml without a server)


def test_internal_notes_are_hidden_from_providers_and_not_mailed(number, signed_in, app):
    agent = signed_in("agent@plan.example")
    agent.post(f"/cases/{number}/comment", data={"comment": "Supervisor review needed", "internal": "y"})
    agent_view = agent.get(f"/cases/{number}").get_data(as_text=True)
    assert "Supervisor review needed" in agent_view and "Internal note" in agent_view
    agent.post("/sign-out")
    with app.app_context():
        assert db.session.query(OutgoingMail).count() == 0
    staff = signed_in("staff@sunrise.example")
    for path in (f"/cases/{number}", f"/cases/{number}/comment"):
        assert "Supervisor review needed" not in staff.get(path).get_data(as_text=True)


def test_the_mail_link_is_built_from_the_public_address_not_the_request_host(number, signed_in, app):
    app.config["PUBLIC_BASE_URL"] = "https://portal.example.org/desk"
    agent = signed_in("agent@plan.example")
    assert agent.post(f"/cases/{number}/comment", data={"comment": "Please send the EOB."},
                      base_url="http://localhost:8000").status_code == 303
    with app.app_context():
        bodies = {mail.body for mail in db.session.scalars(select(OutgoingMail))}
    assert bodies == {"A case in ProviderDesk has a new comment from the health plan.\n\n"
                      f"Sign in to read it: https://portal.example.org/desk/cases/{number}\n"}


def test_providers_cannot_write_internal_notes(number, app):
    with app.app_context():
        staff = find_user_by_login("staff@sunrise.example")
        case = db.session.scalar(select(Case).where(Case.number == number))
        comment = services.add_comment(staff, case, "hi", internal=True, reopen_days=14)
        assert comment.internal is False


def _finish(app, number, when):
    with app.app_context(), time_machine.travel(when, tick=False):
        agent = find_user_by_login("agent@plan.example")
        case = db.session.scalar(select(Case).where(Case.number == number))
        services.change_status(agent, case, CaseStatus.RESOLVED)
        db.session.commit()


def test_a_provider_comment_within_14_days_reopens_the_case(number, app, signed_in):
    _finish(app, number, START)
    with app.app_context(), time_machine.travel(START + timedelta(days=14), tick=False):
        staff = find_user_by_login("staff@sunrise.example")
        case = db.session.scalar(select(Case).where(Case.number == number))
        services.add_comment(staff, case, "Still wrong", reopen_days=14)
        db.session.commit()
        assert case.status == CaseStatus.OPEN and case.finished_at is None


def test_after_14_days_only_a_follow_up_case_is_offered(number, app, signed_in):
    _finish(app, number, START - timedelta(days=15))
    client = signed_in("staff@sunrise.example")
    page = client.get(f"/cases/{number}/comment").get_data(as_text=True)
    assert "Open a follow-up case" in page and 'name="comment"' not in page
    assert client.post(f"/cases/{number}/comment", data={"comment": "late"}).status_code == 403
    assert "Open a follow-up case" in client.get(f"/cases/{number}").get_data(as_text=True)
    with app.app_context():
        staff = find_user_by_login("staff@sunrise.example")
        case = db.session.scalar(select(Case).where(Case.number == number))
        assert not services.may_add_to(staff, case, reopen_days=14)
        with pytest.raises(PermissionError):
            services.add_comment(staff, case, "late", reopen_days=14)

    response = client.post(f"/cases/new?type=claim&follow_up={number}", data=claim_form())
    assert response.status_code == 303
    new_number = response.headers["Location"].rsplit("/", 1)[1]
    assert f"/cases/{number}" in client.get(f"/cases/{new_number}").get_data(as_text=True)
    assert f"/cases/{new_number}" in client.get(f"/cases/{number}").get_data(as_text=True)
    with app.app_context():
        follow_up = db.session.scalar(select(Case).where(Case.number == new_number))
        assert follow_up.follow_up_of.number == number


@pytest.mark.parametrize("days, allowed", [(13, True), (14, True), (15, False)])
def test_the_reopen_window_is_a_setting(days, allowed):
    case = Case(status=CaseStatus.CLOSED, finished_at=START.replace(tzinfo=None))
    now = START.replace(tzinfo=None) + timedelta(days=days)
    assert services.provider_may_add(case, reopen_days=14, now=now) is allowed
    assert services.provider_may_add(case, reopen_days=30, now=now) is True


@pytest.mark.parametrize("text, message", [(" \n ", "Enter the Comment"),
                                           ("x" * 4001, "Comment must be 4000 characters or fewer"),
                                           ("  " + "x" * 4000 + "  ", None)])
def test_the_comment_form_says_what_is_wrong_with_the_text(app, text, message):
    with app.test_request_context(method="POST"):
        form = CommentForm(formdata=MultiDict({"comment": text}))
        assert form.validate() is (message is None)
        assert form.comment.errors == ([message] if message else [])


def test_only_agents_of_the_queue_act_on_a_case(number, app):
    with app.app_context():
        staff = find_user_by_login("staff@sunrise.example")
        case = db.session.scalar(select(Case).where(Case.number == number))
        with pytest.raises(PermissionError):
            services.change_status(staff, case, CaseStatus.CLOSED)
        db.session.rollback()
        assert db.session.scalar(select(Case.status).where(Case.number == number)) == CaseStatus.NEW
