"""The Supervisor page (who may see it, figures, CSV) and the provider Home."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from tests.helpdesk.conftest import new_thread, pending_provider_case, switch, text_of
from tests.security.world import new_referral_draft
from webapp.blueprints.helpdesk.supervisor import Row, sees_supervisor_home
from webapp.blueprints.submission.services import new_draft as new_claim_draft
from webapp.extensions import db
from webapp.models import Case, Role, User, UserStatus


def test_only_supervisors_see_the_page(client, demo):
    for email in ("agent@plan.example", "staff@sunrise.example"):
        switch(client, email)
        assert client.get("/supervisor").status_code == 404
        assert client.get("/supervisor.csv").status_code == 404
        assert "Supervisor" not in text_of(client.get("/")).split("Welcome")[0]
    active = UserStatus.ACTIVE
    assert not sees_supervisor_home(User(role=Role.AGENT, status=active))
    assert sees_supervisor_home(User(role=Role.ADMIN, status=active))
    assert sees_supervisor_home(User(role=Role.SUPERVISOR, status=active))


def test_figures_per_queue_and_agent_with_a_csv_export(app, client, demo):
    thread_id = new_thread(app, client)
    switch(client, "agent@plan.example")
    client.post(f"/messages/{thread_id}/assign")
    client.post(f"/messages/{thread_id}/reply", data={"reply-body": "Answered.", "reply-status": "closed"},
                content_type="multipart/form-data")
    switch(client, "staff@sunrise.example")
    client.post(f"/rate/thread/{thread_id}", data={"score": "2"})
    switch(client, "supervisor@plan.example")
    page = text_of(client.get("/supervisor"))
    assert "By queue" in page and "By agent" in page and "Claims Inquiry" in page and "Alex Morgan" in page
    today = datetime.utcnow().date().isoformat()
    response = client.get(f"/supervisor.csv?date_from={today}&date_to={today}")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = {(r["Group"], r["Name"]): r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    claims = rows[("Queue", "Claims Inquiry")]
    assert claims["Ratings"] == "1" and claims["Average rating"] == "2.0"
    assert 0 <= float(claims["Median first response (business hours)"]) < 1  # answered within the test
    assert claims["Median resolution (business hours)"] != ""
    assert rows[("Agent", "Alex Morgan")]["Ratings"] == "1"
    bad = client.get("/supervisor?date_from=2026-12-31&date_to=2026-01-01")
    assert bad.status_code == 422 and "must not be before" in text_of(bad)
    assert client.get("/supervisor?date_from=nonsense&date_to=").status_code == 422


def test_csv_cells_cannot_become_formulas():
    row = Row("Agent", "=HYPERLINK(1)")
    from webapp.blueprints.helpdesk.supervisor import as_csv

    assert "'=HYPERLINK(1)" in as_csv([row])


def test_provider_home_shows_what_needs_the_office(app, client, demo):
    number = pending_provider_case(app)
    thread_id = new_thread(app, client)
    switch(client, "agent@plan.example")
    client.post(f"/messages/{thread_id}/reply", data={"reply-body": "Here is the answer."},
                content_type="multipart/form-data")
    switch(client, "staff@sunrise.example")
    response = client.get("/")
    page = text_of(response)
    assert "What needs you" in page and f"Case {number}" in page
    assert f"M-{thread_id:06d}" in page.split("Unread replies")[1].split("Open grievances")[0]
    html = response.get_data(as_text=True)
    assert 'href="/cases?status=pending_provider"' in html
    # another organization sees none of it
    switch(client, "staff@harbor.example")
    other = text_of(client.get("/"))
    assert f"Case {number}" not in other and f"M-{thread_id:06d}" not in other
    with app.app_context():
        assert db.session.scalar(select(Case.id).where(Case.number == number)) is not None


def test_home_stays_small_on_the_wire_for_a_busy_office(app, client, demo):
    switch(client, "staff@sunrise.example")
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert len(response.data) <= 6 * 1024, len(response.data)


def test_provider_home_lists_the_persons_unsent_drafts(app, client, demo):
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
        claim_draft = new_claim_draft(staff)
        referral_draft = new_referral_draft(staff)
        db.session.commit()
        claim_id = claim_draft.id
    switch(client, "staff@sunrise.example")
    response = client.get("/")
    drafts = text_of(response).split("Drafts not yet sent")[1]
    assert drafts.split()[0] == "2" and "Claim draft saved" in drafts and "Referral draft saved" in drafts
    html = response.get_data(as_text=True)
    assert f'href="/claims/submissions/{claim_id}"' in html
    assert f'href="/referrals/drafts/{referral_draft}/2"' in html  # the section after the saved one
    # drafts are their author's own: a colleague in the same office sees none
    switch(client, "loa@sunrise.example")
    assert "You have no unsent claim or referral." in text_of(client.get("/"))
