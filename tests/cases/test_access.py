"""Another organization's case, comment or file is a 404; agents read all but act in their queues."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.cases.helpers import PDF_BYTES, new_case
from webapp.extensions import db
from webapp.models import AuditEvent, CaseComment, StoredFile


@pytest.fixture
def sunrise_case(world, app, signed_in):
    """A Sunrise claim case with one file, attached through the Attach page."""
    with app.app_context():
        number = new_case("staff@sunrise.example").number
    client = signed_in("staff@sunrise.example")
    response = client.post(f"/cases/{number}/attach",
                           data={"files": [(io.BytesIO(PDF_BYTES), "eob.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    client.post("/sign-out")
    with app.app_context():
        public_id = db.session.scalar(select(StoredFile.public_id).order_by(StoredFile.id.desc()).limit(1))
    return number, public_id


def test_harbor_staff_cannot_read_comment_on_or_download_a_sunrise_case(sunrise_case, signed_in, app):
    number, public_id = sunrise_case
    client = signed_in("staff@harbor.example")
    assert client.get(f"/cases/{number}").status_code == 404
    assert client.get(f"/cases/{number}/comment").status_code == 404
    assert client.post(f"/cases/{number}/comment", data={"comment": "hello"}).status_code == 404
    assert client.get(f"/cases/{number}/attach").status_code == 404
    assert client.post(f"/cases/{number}/attach", data={"files": [(io.BytesIO(PDF_BYTES), "x.pdf")]},
                       content_type="multipart/form-data").status_code == 404
    assert client.get(f"/files/{public_id}").status_code == 404
    assert client.get(f"/cases/new?type=claim&follow_up={number}").status_code == 404
    search = client.get(f"/cases?view=number&number={number}").get_data(as_text=True)
    assert "No case has that number." in search and f'href="/cases/{number}"' not in search
    assert number not in client.get("/cases").get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CaseComment).count() == 0


def test_sunrise_staff_reads_and_downloads_and_both_are_audited(sunrise_case, signed_in, app):
    number, public_id = sunrise_case
    client = signed_in("loa@sunrise.example")
    page = client.get(f"/cases/{number}")
    assert page.status_code == 200 and "eob.pdf" in page.get_data(as_text=True)
    download = client.get(f"/files/{public_id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        actions = [(e.action, e.object_type, e.remote_addr)
                   for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
                       ["case.view", "file.download"])))]
    assert ("case.view", "case", "127.0.0.1") in actions
    assert ("file.download", "file", "127.0.0.1") in actions


def test_audit_rows_hold_ids_not_phi(sunrise_case, signed_in, app):
    number, _ = sunrise_case
    signed_in("staff@sunrise.example").get(f"/cases/{number}")
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            assert "Jamie" not in f"{event.action}{event.object_type}{event.object_id}"


def test_agents_read_and_act_only_in_the_queues_they_hold(sunrise_case, signed_in, app):
    number, public_id = sunrise_case  # a Claims Inquiry case
    appeals = signed_in("appeals@plan.example")  # works Grievance and Appeals only
    assert appeals.get(f"/cases/{number}").status_code == 404  # as if it did not exist
    assert appeals.get(f"/files/{public_id}").status_code == 404
    assert appeals.post(f"/cases/{number}/assign").status_code == 404
    assert appeals.post(f"/cases/{number}/comment", data={"comment": "x"}).status_code == 404
    appeals.post("/sign-out")

    agent = signed_in("agent@plan.example")  # works Claims Inquiry
    assert "Assign to me" in agent.get(f"/cases/{number}").get_data(as_text=True)
    assert agent.post(f"/cases/{number}/assign").status_code == 303
    assert agent.post(f"/cases/{number}/queue", data={"queue": "grievance-and-appeals"}).status_code == 303
    # Moved out of Alex's queues: he no longer reads it, and the appeals agent now does.
    assert agent.get(f"/cases/{number}").status_code == 404
    agent.post("/sign-out")
    page = signed_in("appeals@plan.example").get(f"/cases/{number}").get_data(as_text=True)
    assert "Grievance and Appeals" in page and "Not assigned" in page


def test_a_supervisor_reads_every_queue_but_acts_in_none(sunrise_case, signed_in):
    number, public_id = sunrise_case
    supervisor = signed_in("supervisor@plan.example")
    page = supervisor.get(f"/cases/{number}").get_data(as_text=True)
    assert number in page and "Not assigned" in page and "Assign to me" not in page
    download = supervisor.get(f"/files/{public_id}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert supervisor.post(f"/cases/{number}/assign").status_code == 403
    assert "Not assigned" in supervisor.get(f"/cases/{number}").get_data(as_text=True)  # nothing changed


def test_an_admin_acts_everywhere(sunrise_case, app, client):
    from tests.conftest import sign_in

    number, _ = sunrise_case
    sign_in(client, "admin@plan.example")  # the demo admin
    assert client.post(f"/cases/{number}/status", data={"status": "pending_payer"}).status_code == 303
    assert "Pending Payer Response" in client.get(f"/cases/{number}").get_data(as_text=True)


def test_unknown_numbers_are_404(world, signed_in):
    assert signed_in("staff@sunrise.example").get("/cases/000000000000").status_code == 404
