"""Satisfaction ratings on resolved items and merging duplicates."""
from __future__ import annotations

from sqlalchemy import select

from tests.helpdesk.conftest import new_thread, pending_provider_case, switch, text_of
from webapp.extensions import db
from webapp.models import Case, CaseComment, MessageThread, Rating
from webapp.search import get_service, search
from webapp.search.engine import Scope


def close_thread(client, thread_id):
    switch(client, "agent@plan.example")
    client.post(f"/messages/{thread_id}/status", data={"status-status": "closed"})


def test_a_resolved_thread_is_rated_once_and_again_after_reopening(app, client, demo):
    thread_id = new_thread(app, client)
    assert "Rate the answer" not in text_of(client.get(f"/messages/{thread_id}"))  # not resolved yet
    early = text_of(client.post(f"/rate/thread/{thread_id}", data={"score": "5"}, follow_redirects=True))
    assert "You can rate this item once it is resolved." in early
    with app.app_context():
        assert db.session.scalar(select(Rating).where(Rating.item_kind == "thread")) is None
    close_thread(client, thread_id)
    assert "Rate the answer" not in text_of(client.get(f"/messages/{thread_id}"))  # agents do not rate
    switch(client, "staff@sunrise.example")
    assert "Rate the answer" in text_of(client.get(f"/messages/{thread_id}"))
    bad = text_of(client.post(f"/rate/thread/{thread_id}", data={"score": "9"}, follow_redirects=True))
    assert "Choose a rating from 1 to 5." in bad
    done = text_of(client.post(f"/rate/thread/{thread_id}", data={"score": "4", "comment": "Quick, thanks"},
                               follow_redirects=True))
    assert "you rated this 4 of 5" in done and "Rate the answer" not in done
    again = text_of(client.post(f"/rate/thread/{thread_id}", data={"score": "1"}, follow_redirects=True))
    assert "already rated" in again
    with app.app_context():
        rating = db.session.scalar(select(Rating).where(Rating.item_kind == "thread"))
        assert (rating.score, rating.comment, rating.item_kind) == (4, "Quick, thanks", "thread")
        assert rating.queue_id == db.session.get(MessageThread, thread_id).queue_id
    # reopened by a follow-up, closed again: a new rating is welcome
    client.post(f"/messages/{thread_id}/follow-up", data={"followup-body": "One more thing"},
                content_type="multipart/form-data")
    close_thread(client, thread_id)
    switch(client, "staff@sunrise.example")
    assert "Rate the answer" in text_of(client.get(f"/messages/{thread_id}"))
    switch(client, "staff@harbor.example")
    assert client.post(f"/rate/thread/{thread_id}", data={"score": "1"}).status_code == 404


def test_a_resolved_case_can_be_rated(app, client, demo):
    number = pending_provider_case(app)
    switch(client, "agent@plan.example")
    client.post(f"/cases/{number}/status", data={"status": "resolved"})
    switch(client, "staff@sunrise.example")
    assert "Rate the answer" in text_of(client.get(f"/cases/{number}"))
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.number == number))
    assert client.post(f"/rate/case/{case_id}", data={"score": "3"}).status_code == 303
    assert client.post("/rate/claim/1", data={"score": "3"}).status_code == 404


def test_merging_a_duplicate_thread_moves_its_messages_and_points_to_the_survivor(app, client, demo):
    first = new_thread(app, client, subject="Payment question one")
    duplicate = new_thread(app, client, subject="Payment question again",
                           body="The remittance shows a zebra adjustment code.")
    switch(client, "agent@plan.example")
    response = client.post(f"/merge/thread/{duplicate}", data={"target": f"M-{first:06d}"})
    assert response.headers["Location"].endswith(f"/messages/{first}")
    with app.app_context():
        survivor, dup = db.session.get(MessageThread, first), db.session.get(MessageThread, duplicate)
        assert dup.merged_into_id == first and dup.status.value == "closed" and dup.messages == []
        assert len(survivor.messages) == 3  # both questions and the note about the merge
    switch(client, "staff@sunrise.example")
    page = text_of(client.get(f"/messages/{duplicate}"))
    assert f"This message was merged into M-{first:06d}" in page
    # search reflects it once the writer ran: the survivor holds the duplicate's words
    with app.app_context():
        get_service().apply_pending()
        results = search(Scope.admin(), "zebra", filters={"kind": "thread"})
        assert [hit.record_id for hit in results.hits] == [str(first)]


def test_merge_refusals_are_explained(app, client, demo):
    thread_id = new_thread(app, client)
    switch(client, "agent@plan.example")
    for target, message in [(f"M-{thread_id:06d}", "cannot be merged into itself"),
                            ("M-999999", "No item with that number"), ("<b>", "No item with that number")]:
        page = text_of(client.post(f"/merge/thread/{thread_id}", data={"target": target}, follow_redirects=True))
        assert message in page
    switch(client, "staff@sunrise.example")
    assert client.post(f"/merge/thread/{thread_id}", data={"target": "M-1"}).status_code == 404


def test_merging_cases_moves_comments_and_files(app, client, demo):
    with app.app_context():
        cases = db.session.scalars(select(Case).join(Case.queue).where(
            Case.provider_id == select(Case.provider_id).order_by(Case.id).limit(1).scalar_subquery())
            .order_by(Case.id)).all()
        cases = [c for c in cases if c.queue.slug in ("claims-inquiry", "provider-customer-service")]
        survivor, duplicate = cases[0].number, cases[1].number
        duplicate_comments = db.session.scalar(select(db.func.count(CaseComment.id)).join(Case)
                                               .where(Case.number == duplicate))
    switch(client, "agent@plan.example")
    with app.app_context():
        duplicate_id = db.session.scalar(select(Case.id).where(Case.number == duplicate))
    response = client.post(f"/merge/case/{duplicate_id}", data={"target": survivor})
    assert response.headers["Location"].endswith(f"/cases/{survivor}")
    page = text_of(client.get(f"/cases/{survivor}"))
    assert f"Case {duplicate} was merged into this case" in page
    with app.app_context():
        dup = db.session.get(Case, duplicate_id)
        assert dup.merged_into.number == survivor and dup.status.value == "closed"
        assert db.session.scalar(select(db.func.count(CaseComment.id)).where(CaseComment.case_id == duplicate_id)) == 0
        assert db.session.scalar(select(db.func.count(CaseComment.id)).join(Case)
                                 .where(Case.number == survivor)) >= duplicate_comments + 1
    assert f"This case was merged into case {survivor}" in text_of(client.get(f"/cases/{duplicate}"))
