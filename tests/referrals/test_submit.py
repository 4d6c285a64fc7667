"""Submit a Referral through the pages: drafts saved per section and resumed, checks per section,
submission to Utilization Management, decisions per service, and who may see what."""
from __future__ import annotations

import io
from datetime import date, timedelta

import time_machine
from sqlalchemy import select

from tests.referrals.helpers import fill_to_review, ids, medical_form, start_draft
from webapp.blueprints.attachments.services import stored_path
from webapp.extensions import db
from webapp.models import OutgoingMail, Referral, ReferralStatus, ServiceDecision, StoredFile

NOW = "2026-12-01 15:00:00+00:00"
TODAY, LATER = "2026-12-01", "2026-12-08"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@time_machine.travel(NOW, tick=False)
def test_each_section_is_kept_as_a_draft_and_resumes_where_it_stopped(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    draft = start_draft(client, demo)
    with demo.app_context():
        saved = db.session.get(Referral, draft)
        assert (saved.status, saved.sections_done, saved.member_zip) == (ReferralStatus.DRAFT, 1, "06514")
    # Section 4 half typed then the connection drops: what was typed is on the server.
    _, network_pk, referring_pk = ids(demo)
    client.post(f"/referrals/drafts/{draft}/2", data={"referring_provider": referring_pk, "next": "Next"})
    client.post(f"/referrals/drafts/{draft}/3", data={"provider_query": "CT-300411", "referred_provider": network_pk,
                                                       "next": "Next"})
    client.post(f"/referrals/drafts/{draft}/4", data={"priority": "routine", "request_date": TODAY,
                                                       "services-0-cpt": "93306", "services-0-units": "2",
                                                       "add_service": "+ Add Service"})
    page = client.get("/referrals/new").get_data(as_text=True)
    assert "Your draft referrals" in page and f"/referrals/drafts/{draft}/4" in page and "Medical Info" in page
    resumed = client.get(f"/referrals/drafts/{draft}/4").get_data(as_text=True)
    assert '<option selected value="93306">' in resumed and 'value="2"' in resumed
    # Sections go in order: section 6 before 4 is done sends the user to 4.
    assert client.get(f"/referrals/drafts/{draft}/6").headers["Location"].endswith(f"/referrals/drafts/{draft}/4")


@time_machine.travel(NOW, tick=False)
def test_another_user_cannot_open_or_resume_someone_elses_draft(client, demo, signed_in):
    staff = signed_in("staff@sunrise.example")
    draft = start_draft(staff, demo)
    staff.post("/sign-out")
    colleague = signed_in("loa@sunrise.example")
    assert colleague.get(f"/referrals/drafts/{draft}/2").status_code == 404
    assert f"/referrals/drafts/{draft}/" not in colleague.get("/referrals/new").get_data(as_text=True)


@time_machine.travel(NOW, tick=False)
def test_section_checks_keep_the_input_and_say_what_is_wrong(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    page = client.post("/referrals/new", data={"member_query": "Quinn", "find_member": "Find Member"})
    assert page.status_code == 200 and "Rosa Quinn, Member ID C10000001" in page.get_data(as_text=True)
    response = client.post("/referrals/new", data={"member_query": "Quinn", "next": "Next"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Choose the type of referral." in text and 'value="Quinn"' in text
    assert db_count(demo) == 0
    draft = start_draft(client, demo)
    _, network_pk, referring_pk = ids(demo)
    base = f"/referrals/drafts/{draft}"
    client.post(f"{base}/2", data={"referring_provider": referring_pk, "next": "Next"})
    # A pediatric-only provider is not offered for an adult, and cannot be forced in.
    _, pediatric_pk, _ = ids(demo, provider_code="CT-300414")
    listed = client.post(f"{base}/3", data={"provider_query": "cardiology", "search": "Search for Provider"})
    assert "Capitol Cardiology Associates" in listed.get_data(as_text=True)
    assert "Yale Pediatric" not in listed.get_data(as_text=True)
    assert "Gold Coast" not in listed.get_data(as_text=True)  # not contracted
    forced = client.post(f"{base}/3", data={"referred_provider": pediatric_pk, "next": "Next"})
    assert forced.status_code == 422 and "does not see patients of the member" in forced.get_data(as_text=True)
    client.post(f"{base}/3", data={"referred_provider": network_pk, "next": "Next"})
    # Routine with yesterday's Request Date, units over the maximum, a no-referral code.
    bad = client.post(f"{base}/4", data=medical_form(today="2026-11-30", service_date=LATER,
                                                      **{"services-0-units": "5", "services-1-cpt": "93000",
                                                         "services-1-units": "1"}))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Only a Retro referral can have a Request Date before today." in text
    assert "CPT 93306 allows at most 2 units." in text and "CPT 93000 does not need a referral" in text
    # Retro with that date is fine; the questionnaire of 97110 must be answered.
    retro = client.post(f"{base}/4", data=medical_form(today="2026-11-30", service_date="2026-11-30",
                                                        priority="retro", **{"services-0-cpt": "97110",
                                                                             "services-0-units": "12"}))
    assert retro.status_code == 422 and "Answer: Date of onset or injury (CPT 97110)." in retro.get_data(as_text=True)
    answered = medical_form(today="2026-11-30", service_date="2026-11-30", priority="retro",
                            **{"services-0-cpt": "97110", "services-0-units": "12",
                               "services-0-answer-onset": "2026-10-01", "services-0-answer-prior_visits": "0",
                               "services-0-answer-goals": "Climb stairs"})
    assert client.post(f"{base}/4", data=answered).status_code == 303


@time_machine.travel(NOW, tick=False)
def test_find_and_add_icd_codes_keeps_the_draft(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    draft = fill_to_review(client, demo, TODAY, LATER)
    base = f"/referrals/drafts/{draft}/4"
    found = client.post(base, data=medical_form(today=TODAY, service_date=LATER, next=None, icd_query="low back",
                                                find_icd="Find"))
    assert "M54.50 Low back pain, unspecified" in found.get_data(as_text=True)
    client.post(base, data=medical_form(today=TODAY, service_date=LATER, next=None, icd_choice="M54.50",
                                        add_icd="+ Add ICD Code"))
    with demo.app_context():
        assert [d.code for d in db.session.get(Referral, draft).diagnoses] == ["R00.2", "M54.50"]
    client.post(base, data=medical_form(today=TODAY, service_date=LATER, next=None, remove_icd="R00.2",
                                        icd_codes=["R00.2", "M54.50"]))
    with demo.app_context():
        assert [d.code for d in db.session.get(Referral, draft).diagnoses] == ["M54.50"]


@time_machine.travel(NOW, tick=False)
def test_at_most_three_clinical_attachments_checked_by_content(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    draft = fill_to_review(client, demo, TODAY, LATER)
    base = f"/referrals/drafts/{draft}/5"

    def upload(*names, content=PDF):
        return client.post(base, data={"files": [(io.BytesIO(content), name) for name in names],
                                       "upload": "Upload Files"}, content_type="multipart/form-data")

    fake = upload("scan.pdf", content=b"MZ\x90\x00 not a pdf")
    assert fake.status_code == 422 and "scan.pdf: the content is not a PDF file" in fake.get_data(as_text=True)
    assert upload("a.pdf", "b.pdf").status_code == 303
    too_many = upload("c.pdf", "d.pdf")
    assert too_many.status_code == 422
    assert "A referral can have at most 3 files; you can add 1 more." in too_many.get_data(as_text=True)
    assert upload("c.pdf").status_code == 303
    with demo.app_context():
        names = sorted(f.original_name for f in db.session.scalars(
            select(StoredFile).where(StoredFile.owner_kind == "referral", StoredFile.owner_id == draft)))
    assert names == ["a.pdf", "b.pdf", "c.pdf"]
    # Removing one frees a place, and its bytes leave the upload folder.
    with demo.app_context():
        first = db.session.scalar(select(StoredFile).where(StoredFile.owner_kind == "referral",
                                                           StoredFile.owner_id == draft).order_by(StoredFile.id))
        public_id, path = first.public_id, stored_path(demo.config["UPLOAD_DIR"], first)
    assert path.is_file()
    client.post(base, data={"remove_file": public_id})
    assert not path.exists()
    assert upload("d.pdf").status_code == 303


@time_machine.travel(NOW, tick=False)
def test_submitted_referral_goes_to_utilization_management_and_the_office_sees_the_decision(client, signed_in, demo):
    staff = signed_in("staff@sunrise.example")
    draft = fill_to_review(staff, demo, TODAY, LATER)
    response = staff.post(f"/referrals/drafts/{draft}/6", data={"submit": "Submit Referral"})
    assert response.headers["Location"].endswith(f"/referrals/{draft}")
    with demo.app_context():
        saved = db.session.get(Referral, draft)
        code = saved.code
        assert (saved.status, saved.queue.name) == (ReferralStatus.PENDING, "Utilization Management")
        service_id = saved.services[0].id
    page = staff.get(f"/referrals/{draft}").get_data(as_text=True)
    assert f"Referral {code} was submitted to Utilization Management." in page
    found = staff.post("/referrals?by=code", data={"code": code.lower()}).get_data(as_text=True)
    assert f">{code}</a>" in found and "Capitol Cardiology Associates" in found and "Medicaid" in found
    staff.post("/sign-out")

    # An agent without the queue sees nothing; the UM agent decides.
    other = signed_in("agent@plan.example")
    assert other.get(f"/referrals/{draft}").status_code == 404
    assert other.get("/utilization-management").status_code == 404
    other.post("/sign-out")
    agent = signed_in("um@plan.example")
    assert code in agent.get("/utilization-management").get_data(as_text=True)
    url = f"/referrals/{draft}/services/{service_id}/decision"
    no_reason = agent.post(url, data={f"service-{service_id}-decision": "denied"})
    assert no_reason.status_code == 422 and "Give the reason for the denial" in no_reason.get_data(as_text=True)
    agent.post(url, data={f"service-{service_id}-decision": "approved"})
    agent.post("/sign-out")

    with demo.app_context():
        saved = db.session.get(Referral, draft)
        assert saved.status == ReferralStatus.APPROVED and saved.services[0].decision == ServiceDecision.APPROVED
        assert saved.valid_until == date(2026, 12, 1) + timedelta(days=180)
        notice = db.session.scalar(select(OutgoingMail).where(OutgoingMail.recipient == "staff@sunrise.example"))
        assert notice.subject == "A referral decision is ready"
        assert f"/referrals/{draft}" in notice.body and "Quinn" not in notice.body and code not in notice.body
    staff = signed_in("staff@sunrise.example")
    page = staff.get(f"/referrals/{draft}").get_data(as_text=True)
    assert "Approved" in page and "05/30/2027" in page


@time_machine.travel(NOW, tick=False)
def test_modified_units_and_mixed_decisions(signed_in, demo):
    staff = signed_in("staff@sunrise.example")
    draft = start_draft(staff, demo, member_id="C10000005")
    _, network_pk, referring_pk = ids(demo, member_id="C10000005", provider_code="CT-300416")
    base = f"/referrals/drafts/{draft}"
    staff.post(f"{base}/2", data={"referring_provider": referring_pk, "next": "Next"})
    staff.post(f"{base}/3", data={"referred_provider": network_pk, "next": "Next"})
    form = medical_form(today=TODAY, service_date=LATER, **{
        "services-0-cpt": "97110", "services-0-units": "24", "services-0-answer-onset": "2026-10-01",
        "services-0-answer-prior_visits": "2", "services-0-answer-goals": "Walk without a cane",
        "services-1-cpt": "99204", "services-1-units": "1"})
    assert staff.post(f"{base}/4", data=form).status_code == 303
    staff.post(f"{base}/5", data={"next": "Next"})
    staff.post(f"{base}/6", data={"submit": "Submit Referral"})
    staff.post("/sign-out")
    with demo.app_context():
        first, second = (s.id for s in db.session.get(Referral, draft).services)
    agent = signed_in("um@plan.example")
    url = f"/referrals/{draft}/services/{{}}/decision"
    too_many = agent.post(url.format(first), data={f"service-{first}-decision": "modified",
                                                   f"service-{first}-approved_units": "24",
                                                   f"service-{first}-reason": "x"})
    assert too_many.status_code == 422 and "fewer than requested" in too_many.get_data(as_text=True)
    agent.post(url.format(first), data={f"service-{first}-decision": "modified", f"service-{first}-approved_units": "12",
                                        f"service-{first}-reason": "12 visits first"})
    with demo.app_context():
        assert db.session.get(Referral, draft).status == ReferralStatus.PENDING  # one service still open
    agent.post(url.format(second), data={f"service-{second}-decision": "denied",
                                         f"service-{second}-reason": "Not needed"})
    with demo.app_context():
        saved = db.session.get(Referral, draft)
        assert saved.status == ReferralStatus.MODIFIED
        assert [(s.decision, s.approved_units) for s in saved.services] == [
            (ServiceDecision.MODIFIED, 12), (ServiceDecision.DENIED, 0)]
    # Decided: no more decisions.
    late = agent.post(url.format(first), data={f"service-{first}-decision": "approved"})
    assert "no longer pending" in agent.get(f"/referrals/{draft}").get_data(as_text=True) or late.status_code == 303


def test_search_by_date_status_and_cin_shows_only_the_offices_referrals(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    today = date.today()
    criteria = {"date_from": (today - timedelta(days=60)).isoformat(), "date_to": today.isoformat(),
                "date_type": "request", "status": ""}
    page = client.post("/referrals", data=criteria).get_data(as_text=True)
    assert page.count('href="/referrals/') >= 6 and "Yale Pediatric" not in page  # Harbor's
    for status, label in (("denied", "Denied"), ("void", "Void"), ("modified", "Modified")):
        filtered = client.post("/referrals", data={**criteria, "status": status}).get_data(as_text=True)
        assert f"<td>{label}</td>" in filtered and "<td>Pending</td>" not in filtered
    by_cin = client.post("/referrals", data={**criteria, "member_id": "c10000002"}).get_data(as_text=True)
    assert "Nutmeg Orthopedics" in by_cin and "Capitol Cardiology" not in by_cin
    bad = client.post("/referrals", data={"date_from": "2026-12-01", "date_to": "2026-01-01"})
    assert bad.status_code == 422 and "The To date must be on or after the From date." in bad.get_data(as_text=True)
    with demo.app_context():
        harbor = db.session.scalar(select(Referral.id).join(Referral.referred_provider)
                                   .where(Referral.code.is_not(None)).order_by(Referral.id.desc()))
    assert client.get(f"/referrals/{harbor}").status_code == 404
    assert client.get("/referrals/99999999999999999999999").status_code == 404


def test_referrals_for_member_lists_what_the_viewer_may_see(demo):
    from webapp.blueprints.referrals.services import referrals_for_member
    from webapp.models import Member, User

    with demo.app_context():
        member = db.session.scalar(select(Member).where(Member.member_id == "C10000001"))
        staff = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
        harbor = db.session.scalar(select(User).where(User.email == "staff@harbor.example"))
        um = db.session.scalar(select(User).where(User.email == "um@plan.example"))
        assert {r.referred_provider.name for r in referrals_for_member(member.id, staff)} == {
            "Capitol Cardiology Associates", "Connecticut Sleep Medicine"}
        assert referrals_for_member(member.id, harbor) == []
        assert len(referrals_for_member(member.id, um)) == 2


def test_void_a_pending_referral(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    with demo.app_context():
        pending = db.session.scalar(select(Referral).where(Referral.status == ReferralStatus.PENDING)
                                    .order_by(Referral.id))
        referral_id, code = pending.id, pending.code
    response = client.post(f"/referrals/{referral_id}/void", data={"submit": "Void Referral"}, follow_redirects=True)
    assert f"Referral {code} is void." in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.get(Referral, referral_id).status == ReferralStatus.VOID


def db_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Referral).where(Referral.status == ReferralStatus.DRAFT)).all())
