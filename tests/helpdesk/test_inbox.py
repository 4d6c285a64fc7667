"""The agents' inbox: sort, filters, badges, Next under concurrency, bulk actions, saved views,
the header's unread badge and the notice to the assignee."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select

from tests.helpdesk.conftest import new_thread, switch, text_of, user_id
from tests.messages.conftest import thread_id_from
from webapp.blueprints.helpdesk import inbox, inbox_sources
from webapp.blueprints.helpdesk.inbox import InboxItem
from webapp.extensions import db
from webapp.models import Case, MessageThread, OutgoingMail, Queue, User

NOW = datetime(2026, 11, 23, 15, 0)


def item(ref, legal=None, target=None, created=NOW):
    return InboxItem(kind="case", id=hash(ref) % 1000, reference=ref, subject=ref, queue=Queue(name="Q"),
                     type_label="Claim", status_label="Open", state="ours", assigned_to=None,
                     created_at=created, legal_due=legal, target_due=target)


def test_sort_by_the_earliest_deadline_and_a_legal_deadline_wins_a_tie():
    at = NOW + timedelta(days=1)
    items = [item("target-only", target=at), item("nothing"), item("legal-only", legal=at),
             item("legal-later-target-sooner", legal=at + timedelta(days=5), target=NOW + timedelta(hours=2)),
             item("legal-earlier", legal=NOW + timedelta(hours=3), target=NOW + timedelta(days=3))]
    order = [i.reference for i in sorted(items, key=lambda i: i.sort_key)]
    assert order == ["legal-later-target-sooner", "legal-earlier", "legal-only", "target-only", "nothing"]


def test_badges_overdue_and_due_today():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/New_York")
    late, today, tomorrow = (item("a", target=NOW - timedelta(minutes=1)), item("b", target=NOW + timedelta(hours=2)),
                             item("c", legal=NOW + timedelta(days=1)))
    assert late.is_overdue(NOW) and not late.is_due_today(NOW, zone)
    assert today.is_due_today(NOW, zone) and not today.is_overdue(NOW)
    assert not tomorrow.is_due_today(NOW, zone) and not tomorrow.is_overdue(NOW)


def test_the_inbox_lists_cases_and_threads_of_my_queues_due_first(app, client, demo):
    thread_id = new_thread(app, client, subject="Inbox thread about a payment")
    switch(client, "agent@plan.example")
    page = text_of(client.get("/inbox"))
    assert f"M-{thread_id:06d}" in page and "Inbox thread about a payment" in page
    assert "Claims Inquiry" in page and "(target)" in page
    # a Grievance and Appeals case is not in this agent's queues
    with app.app_context():
        other = db.session.scalar(select(Case).join(Case.queue).where(Queue.slug == "grievance-and-appeals"))
        mine = db.session.scalar(select(Case).join(Case.queue).where(Queue.slug == "claims-inquiry",
                                                                      Case.status.in_(["new", "open"])))
    assert other.number not in page and mine.number in page
    # the order is by due date: the legal-deadline thread (30 days) is behind 8-hour targets
    assert client.get("/inbox?queue=grievance-and-appeals").status_code == 404


def test_filters_type_assignee_state_and_overdue(app, client, demo):
    thread_id = new_thread(app, client, subject="Filter me please")
    switch(client, "agent@plan.example")
    reference = f"M-{thread_id:06d}"
    assert reference in text_of(client.get("/inbox?type=thread"))
    assert reference not in text_of(client.get("/inbox?type=case"))
    assert reference in text_of(client.get("/inbox?assignee=unassigned"))
    assert reference not in text_of(client.get("/inbox?assignee=me"))
    assert reference not in text_of(client.get("/inbox?state=done"))
    assert reference not in text_of(client.get("/inbox?overdue=1"))  # its 8 business hours have not passed
    client.post(f"/messages/{thread_id}/assign")
    assert reference in text_of(client.get("/inbox?assignee=me&type=thread"))
    # bad filter values fall back to the defaults, never an error
    assert client.get("/inbox?state=%00&assignee=everyone&type=nope:x").status_code == 200


def test_next_assigns_the_item_due_first_and_two_agents_never_get_the_same(app, client, demo):
    with app.app_context():
        appeals = db.session.scalar(select(User).where(User.email == "appeals@plan.example"))
        claims = db.session.scalar(select(Queue).where(Queue.slug == "claims-inquiry"))
        appeals.queues.append(claims)
        db.session.commit()
    clients = {email: app.test_client() for email in ("agent@plan.example", "appeals@plan.example")}
    for email, each in clients.items():
        switch(each, email)
    results: dict[str, list[str]] = {email: [] for email in clients}
    barrier = threading.Barrier(2)

    def take(email):
        barrier.wait()
        for _ in range(4):
            response = clients[email].post("/inbox/next")
            results[email].append(response.headers.get("Location", ""))

    workers = [threading.Thread(target=take, args=(email,)) for email in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    taken = [location for locations in results.values() for location in locations if "/cases/" in location]
    assert len(taken) >= 6 and len(set(taken)) == len(taken), results  # no item was given twice
    with app.app_context():
        for email, locations in results.items():
            taker = user_id(app, email)
            for location in locations:
                if "/cases/" in location:  # each item is assigned to the one who took it
                    number = location.rsplit("/", 1)[1]
                    assert db.session.scalar(select(Case.assigned_to_id).where(Case.number == number)) == taker
                else:  # "nothing is waiting" only when it is true
                    agent = db.session.get(User, taker)
                    left = inbox.next_candidates(agent)
                    assert left == [], (email, [i.reference for i in left])


def test_bulk_assign_and_move_only_touch_my_queues(app, client, demo):
    thread_id = new_thread(app, client)
    switch(client, "agent@plan.example")
    with app.app_context():
        outside = db.session.scalar(select(Case.id).join(Case.queue).where(Queue.slug == "grievance-and-appeals"))
    appeals_id = user_id(app, "appeals@plan.example")
    response = client.post("/inbox/bulk", data={"item": [f"thread:{thread_id}", f"case:{outside}", "x:1", "case:99999999999999999999"],
                                                "action": "assign", "assignee": str(user_id(app, "agent@plan.example"))},
                           follow_redirects=True)
    assert "1 item(s) assigned to Alex Morgan. 1 could not be changed" in text_of(response)
    with app.app_context():
        assert db.session.get(MessageThread, thread_id).assigned_to.email == "agent@plan.example"
        assert db.session.get(Case, outside).assigned_to_id != user_id(app, "agent@plan.example")
    # an agent who does not share a queue cannot be chosen
    assert client.post("/inbox/bulk", data={"item": f"thread:{thread_id}", "action": "assign",
                                            "assignee": str(appeals_id)}).status_code == 400
    response = client.post("/inbox/bulk", data={"item": f"thread:{thread_id}", "action": "move",
                                                "queue": "provider-customer-service"}, follow_redirects=True)
    assert "1 item(s) moved to Provider Customer Service." in text_of(response)
    with app.app_context():
        assert db.session.get(MessageThread, thread_id).queue.slug == "provider-customer-service"


def test_saved_views_are_per_agent(app, client, demo):
    switch(client, "agent@plan.example")
    response = client.post("/inbox/views", data={"name": "My overdue claims", "type": "case:Claim",
                                                 "assignee": "me", "overdue": "1", "state": "open"})
    assert response.headers["Location"].endswith("/inbox?type=case%3AClaim&assignee=me&overdue=1")
    page = client.get("/inbox").get_data(as_text=True)
    assert "My overdue claims" in page and "type=case%3AClaim&amp;assignee=me&amp;overdue=1" in page
    assert "Enter a name" in text_of(client.post("/inbox/views", data={"name": " "}, follow_redirects=True))
    switch(client, "appeals@plan.example")
    assert "My overdue claims" not in text_of(client.get("/inbox"))
    assert client.post("/inbox/views/1/delete").status_code == 404
    switch(client, "agent@plan.example")
    assert "The view was deleted." in text_of(client.post("/inbox/views/1/delete", follow_redirects=True))


def test_agents_header_badge_counts_news_and_the_assignee_gets_a_notice(app, client, demo):
    thread_id = new_thread(app, client)
    switch(client, "agent@plan.example")
    before = text_of(client.get("/inbox"))
    assert "with news" in before
    client.get(f"/messages/{thread_id}")  # read it
    client.post(f"/messages/{thread_id}/assign")
    count_read = int(text_of(client.get("/")).split("Inbox ", 1)[1].split(" ", 1)[0])
    switch(client, "staff@sunrise.example")
    client.post(f"/messages/{thread_id}/follow-up", data={"followup-body": "Any news on this one?"},
                content_type="multipart/form-data")
    with app.app_context():
        notices = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == "agent@plan.example")).all()
    assert len(notices) == 1 and f"/messages/{thread_id}" in notices[0].body
    assert "Any news" not in notices[0].body and "Why was this paid" not in notices[0].body  # a link only
    switch(client, "agent@plan.example")
    assert int(text_of(client.get("/")).split("Inbox ", 1)[1].split(" ", 1)[0]) == count_read + 1
    # turned off in My Profile: no more notices
    assert "Notices are off." in text_of(client.post("/profile/notices", data={}, follow_redirects=True))
    switch(client, "staff@sunrise.example")
    client.post(f"/messages/{thread_id}/follow-up", data={"followup-body": "Hello again"},
                content_type="multipart/form-data")
    with app.app_context():
        assert db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.recipient == "agent@plan.example")
                                 .where(OutgoingMail.id != notices[0].id)) is None


def test_the_inbox_is_for_agents_only(client, demo):
    switch(client, "staff@sunrise.example")
    assert client.get("/inbox").status_code == 404
    assert client.post("/inbox/next").status_code == 404
    client.post("/sign-out")
    assert client.get("/inbox").status_code in (302, 303)


def test_only_grievances_and_appeals_carry_a_legal_deadline(app, client, demo):
    """A claim question's due date is the plan's response target; an appeal's is the law's."""
    question_id = new_thread(app, client, subject="When will this be paid?")
    appeal_id = thread_id_from(client.post("/messages/new", content_type="multipart/form-data", data={
        "category": "grievance-and-appeal", "subcategory": "pre-service", "subject": "Appeal the denied MRI",
        "body": "Please reconsider.", "contact_name": "Pat Lee", "contact_phone": "860-555-0100"}))
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@plan.example"))
        queue_ids = list(db.session.scalars(select(Queue.id)))
        items = {i.id: i for i in inbox_sources.thread_items(admin, queue_ids, {"ours", "theirs"}, NOW)}
        assert items[question_id].legal_due is None and items[question_id].target_due is not None
        appeal = db.session.get(MessageThread, appeal_id)
        assert items[appeal_id].legal_due == appeal.due_at == appeal.created_at + timedelta(days=30)
    switch(client, "agent@plan.example")
    row = next(line for line in client.get("/inbox").get_data(as_text=True).split("<tr")
               if f"M-{question_id:06d}" in line)
    assert "(legal)" not in row and "(target)" in row
