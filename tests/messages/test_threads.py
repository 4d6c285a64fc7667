"""Threads over HTTP: ask about a claim, bad input, follow-ups with files, grievance, reopen, access."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD
from tests.messages.conftest import ask_about_claim, member_of, pdfs, thread_id_from
from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.messages import services
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (
    AuditEvent, Message, MessageThread, OutgoingMail, StoredFile, ThreadStatus,
)


def count(app, model):
    with app.app_context():
        query = select(func.count()).select_from(model)
        if model is StoredFile:  # the demo cases have files of their own
            query = query.where(StoredFile.owner_kind == "message")
        return db.session.scalar(query)


def switch(client, login):
    client.post("/sign-out")
    response = client.post("/sign-in", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 303


def test_ask_a_question_prefills_the_claim_and_routes_to_claims_inquiry(signed_in, app, sunrise_claim):
    client = signed_in("staff@sunrise.example")
    claim_id, claim_number = sunrise_claim
    form = client.get(f"/messages/new?claim={claim_id}").get_data(as_text=True)
    assert f'value="{claim_number}"' in form and 'selected value="claim-question"' in form
    thread_id = thread_id_from(ask_about_claim(client, claim_number, attachments=pdfs(1)))
    with app.app_context():
        thread = db.session.get(MessageThread, thread_id)
        assert thread.queue.slug == "claims-inquiry" and thread.claim.claim_number == claim_number
        assert thread.status == ThreadStatus.OPEN and thread.due_at is not None
        [stored] = db.session.scalars(select(StoredFile).where(StoredFile.owner_kind == "message")).all()
        assert stored.original_name == "doc1.pdf"
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "Please explain the payment." in page and "doc1.pdf" in page


def test_bad_input_is_422_and_nothing_is_saved(signed_in, app, sunrise_claim, harbor_claim):
    client = signed_in("staff@sunrise.example")
    _, claim_number = sunrise_claim
    response = ask_about_claim(client, claim_number, subcategory="")
    assert response.status_code == 422 and "Choose a sub-category." in response.get_data(as_text=True)
    assert "Why was this paid at this amount?" in response.get_data(as_text=True)  # typed value kept
    response = ask_about_claim(client, harbor_claim[1])  # crafted: another organization's claim
    assert response.status_code == 422
    assert "No claim with this Claim # was found for your Tax IDs." in response.get_data(as_text=True)
    response = ask_about_claim(client, claim_number, body="x" * 20_001)
    assert response.status_code == 422 and "20,000 characters or fewer" in response.get_data(as_text=True)
    response = ask_about_claim(client, claim_number, attachments=pdfs(6))
    assert response.status_code == 422 and "at most 5 files" in response.get_data(as_text=True)
    response = ask_about_claim(client, claim_number, attachments=[(__import__("io").BytesIO(b"MZ\x90"), "x.pdf")])
    assert response.status_code == 422 and "x.pdf: the content is not a PDF file" in response.get_data(as_text=True)
    assert count(app, MessageThread) == 0 and count(app, Message) == 0 and count(app, StoredFile) == 0


def test_an_expedited_appeal_shows_the_fax_lines_and_keeps_the_input(signed_in, app):
    client = signed_in("staff@sunrise.example")
    response = client.post("/messages/new", data={
        "category": "grievance-and-appeal", "subcategory": "expedited-appeal", "subject": "Urgent surgery",
        "body": "The member needs this now.", "contact_name": "Pat Doe", "contact_phone": "860-555-0101"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "866-350-2168" in page and "800-867-6674" in page and "not accepted through the portal" in page
    assert "The member needs this now." in page and 'value="Pat Doe"' in page
    assert count(app, MessageThread) == 0


def test_the_two_step_form_lists_the_sub_categories_of_the_chosen_category(signed_in):
    client = signed_in("staff@sunrise.example")
    page = client.post("/messages/new", data={"category": "grievance-and-appeal", "choose": "Show sub-categories",
                                              "subject": "kept"}).get_data(as_text=True)
    assert ">Pre-service<" in page and ">Post-service<" in page and 'value="kept"' in page
    fragment = client.post("/messages/new?step=choose", data={"category": "claims"},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.strip().startswith('<div id="subcategory-field">')
    assert "Claim denial - requested documents" in fragment and "<html" not in fragment


def test_follow_ups_send_five_documents_at_a_time_and_a_sixth_is_refused(signed_in, app, sunrise_claim):
    client = signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    response = client.post(f"/messages/{thread_id}/follow-up", content_type="multipart/form-data",
                           data={"followup-body": "Records attached.", "followup-attachments": pdfs(6)})
    assert response.status_code == 422 and "at most 5 files" in response.get_data(as_text=True)
    assert count(app, StoredFile) == 0 and count(app, Message) == 1
    for batch in ("a", "b"):
        response = client.post(f"/messages/{thread_id}/follow-up", content_type="multipart/form-data",
                               data={"followup-body": f"Batch {batch}", "followup-attachments": pdfs(5, batch)})
        assert thread_id_from(response) == thread_id
    assert count(app, StoredFile) == 10 and count(app, Message) == 3


def test_a_claim_question_escalates_to_a_linked_post_service_grievance(signed_in, app, sunrise_claim):
    client = signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    response = client.post(f"/messages/{thread_id}/grievance", data={"grievance-body": "I disagree."})
    assert response.status_code == 422 and "person we can speak to" in response.get_data(as_text=True)
    new_id = thread_id_from(client.post(f"/messages/{thread_id}/grievance", data={
        "grievance-body": "I disagree.", "grievance-contact_name": "Pat Doe",
        "grievance-contact_phone": "860-555-0101"}))
    with app.app_context():
        new = db.session.get(MessageThread, new_id)
        assert (new.subcategory.category.slug, new.subcategory.slug) == ("grievance-and-appeal", "post-service")
        assert new.queue.slug == "grievance-and-appeals" and new.is_grievance
        assert new.claim.claim_number == sunrise_claim[1] and new.linked_from_id == thread_id
        assert f"M-{thread_id:06d}" in new.messages[0].body
        assert new.due_at == new.created_at + timedelta(days=30)
    page = client.get(f"/messages/{new_id}").get_data(as_text=True)
    assert "The decision will be final." in page and "Decision due by" in page


def test_closed_threads_reopen_within_14_days_and_later_start_a_linked_thread(signed_in, app, sunrise_claim):
    client = signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    with app.app_context():
        thread = db.session.get(MessageThread, thread_id)
        thread.status, thread.closed_at = ThreadStatus.CLOSED, utcnow_naive() - timedelta(days=13)
        db.session.commit()
    assert thread_id_from(client.post(f"/messages/{thread_id}/follow-up", data={"followup-body": "One more"})) == thread_id
    with app.app_context():
        thread = db.session.get(MessageThread, thread_id)
        assert thread.status == ThreadStatus.OPEN and thread.closed_at is None
        thread.status, thread.closed_at = ThreadStatus.CLOSED, utcnow_naive() - timedelta(days=15)
        db.session.commit()
    new_id = thread_id_from(client.post(f"/messages/{thread_id}/follow-up", data={"followup-body": "Later"}))
    assert new_id != thread_id
    with app.app_context():
        new = db.session.get(MessageThread, new_id)
        assert new.linked_from_id == thread_id and new.claim.claim_number == sunrise_claim[1]
        assert db.session.get(MessageThread, thread_id).status == ThreadStatus.CLOSED


def test_agent_reply_mails_a_notice_and_unread_is_per_user(signed_in, app, sunrise_claim, client):
    signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    switch(client, "agent@plan.example")
    assert "Why was this paid" in client.get("/message-center/claims-inquiry").get_data(as_text=True)
    client.post(f"/messages/{thread_id}/assign")
    response = client.post(f"/messages/{thread_id}/reply", data={"reply-body": "It was paid per the fee schedule."})
    assert response.status_code == 303
    client.post(f"/messages/{thread_id}/reply", data={"reply-body": "Note: check the contract.", "reply-internal": "y"})
    with app.app_context():
        mails = db.session.scalars(select(OutgoingMail)).all()
        assert {m.recipient for m in mails} == {"staff@sunrise.example", "loa@sunrise.example"}
        for mail in mails:
            assert mail.subject == "You have a new message in the Message Center"
            assert f"/messages/{thread_id}" in mail.body and sunrise_claim[1] not in mail.body
            assert "fee schedule" not in mail.body
        thread = db.session.get(MessageThread, thread_id)
        assert thread.status == ThreadStatus.ANSWERED and thread.assigned_to.email == "agent@plan.example"
        staff = find_user_by_login("staff@sunrise.example")
        loa = find_user_by_login("loa@sunrise.example")
        assert services.unread_count(staff) == 1 and services.unread_count(loa) == 1
    switch(client, "staff@sunrise.example")
    listing = client.get("/messages").get_data(as_text=True)
    assert "Unread" in listing and "1<span class=\"visually-hidden\"> unread" in listing
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "fee schedule" in page and "check the contract" not in page  # internal notes stay internal
    with app.app_context():
        assert services.unread_count(find_user_by_login("staff@sunrise.example")) == 0
        assert services.unread_count(find_user_by_login("loa@sunrise.example")) == 1


def test_other_organizations_get_404_for_threads_claims_members_and_files(signed_in, app, sunrise_claim, client):
    signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1], attachments=pdfs(1)))
    member_pk, _ = member_of(app, "C1")
    with app.app_context():
        file_id = db.session.scalar(select(StoredFile.public_id).where(StoredFile.owner_kind == "message"))
    assert client.get(f"/files/{file_id}").status_code == 200
    switch(client, "staff@harbor.example")
    assert client.get(f"/messages/{thread_id}").status_code == 404
    assert client.post(f"/messages/{thread_id}/follow-up", data={"followup-body": "x"}).status_code == 404
    assert client.get(f"/claims/{sunrise_claim[0]}").status_code == 404
    assert client.get(f"/files/{file_id}").status_code == 404
    assert "Why was this paid" not in client.get("/messages").get_data(as_text=True)
    switch(client, "appeals@plan.example")  # an agent of another queue
    assert client.get(f"/messages/{thread_id}").status_code == 404
    assert client.get("/message-center/claims-inquiry").status_code == 404
    switch(client, "loa@harbor.example")
    assert client.get(f"/members/{member_pk}").status_code == 404
    assert client.get(f"/messages/{thread_id}").status_code == 404


def test_every_thread_view_is_audited(signed_in, app, sunrise_claim):
    client = signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    client.get(f"/messages/{thread_id}")
    client.get(f"/messages/{thread_id}")
    with app.app_context():
        views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "thread.view")).all()
        assert len(views) == 2 and {v.object_id for v in views} == {str(thread_id)}


def test_my_messages_filters_and_pages(signed_in, app, sunrise_claim):
    client = signed_in("staff@sunrise.example")
    for n in range(22):
        thread_id_from(ask_about_claim(client, sunrise_claim[1], subject=f"Question {n:02d}"))
    thread_id_from(client.post("/messages/new", data={"category": "general-question", "subcategory": "general-question",
                                                      "subject": "Portal hours", "body": "When?"}))
    first = client.get("/messages").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Portal hours" in first and "Next page" in first
    assert "Question 00" in client.get("/messages?page=2").get_data(as_text=True)
    only_general = client.get("/messages?category=general-question").get_data(as_text=True)
    assert "Portal hours" in only_general and "Question 05" not in only_general
    assert "No messages match" in client.get("/messages?status=closed").get_data(as_text=True)


def test_agent_center_counts_sorts_by_due_date_moves_and_uses_templates(signed_in, app, sunrise_claim, client):
    signed_in("staff@sunrise.example")
    early = thread_id_from(ask_about_claim(client, sunrise_claim[1], subject="Early one"))
    late = thread_id_from(ask_about_claim(client, sunrise_claim[1], subject="Late one"))
    with app.app_context():
        db.session.get(MessageThread, early).due_at = utcnow_naive() - timedelta(days=1)
        db.session.commit()
    switch(client, "agent@plan.example")
    center = client.get("/message-center").get_data(as_text=True)
    assert "Claims Inquiry" in center and 'badge-overdue">1<' in center
    queue_page = client.get("/message-center/claims-inquiry").get_data(as_text=True)
    assert queue_page.index("Early one") < queue_page.index("Late one") and "Overdue" in queue_page
    with app.app_context():
        template = services.templates_of(db.session.get(MessageThread, late).queue_id)[0]
    page = client.get(f"/messages/{late}?template={template.id}").get_data(as_text=True)
    assert template.body in page
    assert client.post(f"/messages/{late}/status", data={"status-status": "pending_provider"}).status_code == 303
    with app.app_context():
        from webapp.queues.services import queue_by_slug
        target = queue_by_slug("grievance-and-appeals").id
    assert client.post(f"/messages/{late}/move", data={"move-queue": target}).status_code == 303
    with app.app_context():
        moved = db.session.get(MessageThread, late)
        assert moved.queue.slug == "grievance-and-appeals" and moved.status == ThreadStatus.PENDING_PROVIDER
    assert client.get(f"/messages/{late}").status_code == 404  # no longer in this agent's queues


def test_internal_notes_and_their_files_stay_with_agents_and_send_no_mail(signed_in, app, sunrise_claim, client):
    signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    switch(client, "agent@plan.example")
    response = client.post(f"/messages/{thread_id}/reply", content_type="multipart/form-data",
                           data={"reply-body": "Contract excerpt for the team.", "reply-internal": "y",
                                 "reply-attachments": pdfs(1, "internal")})
    assert response.status_code == 303
    with app.app_context():
        public_id = db.session.scalar(select(StoredFile.public_id).where(StoredFile.owner_kind == "message"))
        assert count(app, OutgoingMail) == 0
        assert db.session.get(MessageThread, thread_id).status == ThreadStatus.OPEN
    assert client.get(f"/files/{public_id}").status_code == 200
    switch(client, "staff@sunrise.example")
    assert client.get(f"/files/{public_id}").status_code == 404
    assert "internal1.pdf" not in client.get(f"/messages/{thread_id}").get_data(as_text=True)
    with app.app_context():
        assert services.unread_count(find_user_by_login("staff@sunrise.example")) == 0


def test_a_reply_over_20000_characters_is_refused(signed_in, app, sunrise_claim, client):
    signed_in("staff@sunrise.example")
    thread_id = thread_id_from(ask_about_claim(client, sunrise_claim[1]))
    switch(client, "agent@plan.example")
    response = client.post(f"/messages/{thread_id}/reply", data={"reply-body": "x" * 20_001})
    assert response.status_code == 422 and "20,000 characters or fewer" in response.get_data(as_text=True)
    assert count(app, Message) == 1
