"""Provider Services: access requests for providers with no administrator and no email on file wait
for an agent of that queue, who approves (or rejects) after a phone check, with an internal note."""
from __future__ import annotations

from sqlalchemy import select

from tests.accounts_helpers import body, last_mail
from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import AccessStatus, ProviderAccess, User


def _lakeside_request(app) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lee.park@lakeside.example"))
        return db.session.scalar(select(ProviderAccess.id).where(ProviderAccess.user_id == user.id))


def test_the_queue_holds_only_requests_nobody_else_can_approve(signed_in, app):
    agent = signed_in("agent@plan.example")
    page = agent.get("/provider-services").get_data(as_text=True)
    assert "Lee Park" in page and "Lakeside Family Practice" in page and "(203) 555-0177" in page
    assert 'href="/provider-services"' in page  # in the agent's navigation
    assert "Ann" not in page  # Sunrise requests go to Sunrise's administrator, not here


def test_an_agent_approves_after_a_phone_check_with_a_note(signed_in, app):
    access_id = _lakeside_request(app)
    agent = signed_in("agent@plan.example")
    missing = agent.post(f"/provider-services/{access_id}", data={"decision": "approve", "note": "  "})
    assert missing.status_code == 422
    assert "Write a note: who you called" in missing.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProviderAccess, access_id).status is AccessStatus.PENDING

    note = "Called (203) 555-0177, spoke to Dr. Wells, confirmed Lee works there."
    done = agent.post(f"/provider-services/{access_id}", data={"decision": "approve", "note": note},
                      follow_redirects=True)
    assert "The request of Lee Park for Lakeside Family Practice was approved." in done.get_data(as_text=True)
    assert "No access requests are waiting." in done.get_data(as_text=True)
    with app.app_context():
        access = db.session.get(ProviderAccess, access_id)
        assert access.status is AccessStatus.ACTIVE and access.staff_note == note
        assert access.decided_by.email == "agent@plan.example"
    mail = body(last_mail(app, "lee.park@lakeside.example"))
    assert "/credentials/" in mail and "Dr. Wells" not in mail  # the note stays internal
    assert agent.get(f"/provider-services/{access_id}").status_code == 404  # decided: gone from the queue


def test_a_rejection_is_stored_with_its_note(signed_in, app):
    access_id = _lakeside_request(app)
    agent = signed_in("agent@plan.example")
    agent.post(f"/provider-services/{access_id}", data={"decision": "reject", "note": "Office did not know Lee."})
    with app.app_context():
        access = db.session.get(ProviderAccess, access_id)
        assert access.status is AccessStatus.REJECTED and access.staff_note == "Office did not know Lee."


def test_only_the_queues_agents_decide(signed_in, app):
    access_id = _lakeside_request(app)
    for login in ("appeals@plan.example", "staff@sunrise.example", "loa@sunrise.example"):
        client = app.test_client()
        sign_in(client, login)
        assert client.get("/provider-services").status_code == 404, login
        assert client.post(f"/provider-services/{access_id}", data={"decision": "approve", "note": "x"}).status_code == 404
    supervisor = app.test_client()
    sign_in(supervisor, "supervisor@plan.example")
    assert supervisor.get(f"/provider-services/{access_id}").status_code == 200
    assert supervisor.post(f"/provider-services/{access_id}", data={"decision": "approve", "note": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(ProviderAccess, access_id).status is AccessStatus.PENDING


def test_a_sunrise_request_is_not_in_the_queue(signed_in, app):
    with app.app_context():
        other = db.session.scalar(select(ProviderAccess.id).where(ProviderAccess.status == AccessStatus.ACTIVE))
    agent = signed_in("agent@plan.example")
    assert agent.get(f"/provider-services/{other}").status_code == 404
    assert agent.post("/provider-services/99999999999999999999999", data={}).status_code == 404
