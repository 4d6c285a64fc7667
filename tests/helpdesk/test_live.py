"""Live threads and cases: polling with If-None-Match (a tiny 304 when nothing is new), new
messages as fragments, who else is here, and the warning before sending over a newer message."""
from __future__ import annotations

import re

from datetime import timedelta

from sqlalchemy import func, select

from tests.helpdesk.conftest import new_thread, pending_provider_case, switch, text_of
from webapp.extensions import db
from webapp.models import Message, UserSession

# What a WSGI server adds to every response (Werkzeug's is among the longest).
SERVER_HEADERS = "Server: Werkzeug/3.1.3 Python/3.11.7\r\nDate: Tue, 01 Dec 2026 18:00:00 GMT\r\nConnection: close\r\n"


def wire_size(response) -> int:
    """Bytes of the response on the wire: status line, headers, blank line, body."""
    status = f"HTTP/1.1 {response.status}\r\n"
    headers = "".join(f"{name}: {value}\r\n" for name, value in response.headers.items())
    return len((status + headers + SERVER_HEADERS + "\r\n").encode()) + len(response.data)


def poll_url(page_html: str) -> str:
    return re.search(r'hx-get="([^"]*/live/[^"]*)"', page_html).group(1).replace("&amp;", "&")


def etag_of(page_html: str) -> str:
    return re.search(r'data-etag="([0-9a-f]+)"', page_html).group(1)


def test_nothing_new_is_a_304_of_at_most_300_bytes(app, client, demo):
    thread_id = new_thread(app, client)
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "Check for new messages" in page and 'href="/messages/' in page  # works without JavaScript
    response = client.get(poll_url(page), headers={"If-None-Match": f'"{etag_of(page)}"', "HX-Request": "true"})
    assert response.status_code == 304 and response.data == b""
    assert "Set-Cookie" not in response.headers and "Content-Security-Policy" not in response.headers
    assert wire_size(response) <= 300, (wire_size(response), dict(response.headers))


def test_a_new_reply_comes_as_a_fragment_appended_in_place(app, client, demo):
    thread_id = new_thread(app, client)
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    url, tag = poll_url(page), etag_of(page)
    switch(client, "agent@plan.example")
    client.post(f"/messages/{thread_id}/reply", data={"reply-body": "We are checking the pricing now.",
                                                      "reply-seen_message_id": "0"},
                content_type="multipart/form-data")
    client.post(f"/messages/{thread_id}/reply", data={"reply-body": "Secret agent note", "reply-internal": "y",
                                                      "seen_message_id": "999999"},
                content_type="multipart/form-data")
    switch(client, "staff@sunrise.example")
    response = client.get(url, headers={"If-None-Match": f'"{tag}"', "HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["ETag"] != f'"{tag}"'
    assert 'hx-swap-oob="beforeend:#thread-messages"' in html and "We are checking the pricing now." in html
    assert "Secret agent note" not in html  # internal notes never reach providers
    assert "New message from Alex Morgan." in html  # the status region announces it
    assert "<html" not in html  # a fragment, not a page
    # the refreshed link asks for what came after, with the new validator
    again = client.get(poll_url(html), headers={"If-None-Match": f'"{etag_of(html)}"'})
    assert again.status_code == 304


def test_polls_are_scoped_like_the_pages(app, client, demo):
    thread_id = new_thread(app, client)
    case_number = pending_provider_case(app)
    switch(client, "staff@harbor.example")
    assert client.get(f"/live/thread/{thread_id}").status_code == 404
    assert client.get(f"/live/case/{case_number}").status_code == 404
    assert client.get("/live/thread/99999999999999999999999").status_code == 404
    client.post("/sign-out")
    assert client.get(f"/live/thread/{thread_id}").status_code in (302, 303)


def test_polling_does_not_keep_the_session_alive(app, client, demo):
    thread_id = new_thread(app, client)

    def last_seen():
        with app.app_context():
            return db.session.scalar(select(func.max(UserSession.last_seen_at)))

    def age_sessions(seconds):
        with app.app_context():
            for row in db.session.scalars(select(UserSession)):
                row.last_seen_at -= timedelta(seconds=seconds)
            db.session.commit()

    age_sessions(120)
    stale = last_seen()
    client.get(f"/live/thread/{thread_id}")
    assert last_seen() == stale  # a poll is not activity for the idle sign-out
    client.get(f"/messages/{thread_id}")
    assert last_seen() > stale


def test_two_agents_see_each_other_and_get_a_warning_before_replying_over_news(app, client, demo):
    thread_id = new_thread(app, client)
    other = app.test_client()
    switch(other, "appeals@plan.example")
    switch(client, "agent@plan.example")
    # the appeals agent works the claims queue too today
    with app.app_context():
        from webapp.models import Queue, User

        appeals = db.session.scalar(select(User).where(User.email == "appeals@plan.example"))
        appeals.queues.append(db.session.scalar(select(Queue).where(Queue.slug == "claims-inquiry")))
        db.session.commit()
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    seen = re.search(r'name="seen_message_id" value="(\d+)"', page).group(1)
    other_page = text_of(other.get(f"/messages/{thread_id}"))
    assert "Also here: Alex Morgan has this item open." in other_page
    assert "Also here: Jordan Blake" in text_of(client.get(poll_url(page)))
    other.post(f"/messages/{thread_id}/reply", data={"reply-body": "I already answered this.",
                                                     "seen_message_id": seen},
               content_type="multipart/form-data")
    response = client.post(f"/messages/{thread_id}/reply", data={"reply-body": "My own answer",
                                                                 "seen_message_id": seen},
                           content_type="multipart/form-data")
    assert response.status_code == 409
    page = text_of(response)
    assert "A newer message arrived while you were typing" in page and "I already answered this." in page
    assert "My own answer" in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(Message.id).where(Message.body == "My own answer")) is None
    fresh = re.search(r'name="seen_message_id" value="(\d+)"', response.get_data(as_text=True)).group(1)
    response = client.post(f"/messages/{thread_id}/reply", data={"reply-body": "My own answer",
                                                                 "seen_message_id": fresh},
                           content_type="multipart/form-data")
    assert response.status_code == 303


def test_case_pages_poll_too_and_show_new_comments(app, client, demo):
    number = pending_provider_case(app)
    switch(client, "staff@sunrise.example")
    page = client.get(f"/cases/{number}").get_data(as_text=True)
    url, tag = poll_url(page), etag_of(page)
    assert client.get(url, headers={"If-None-Match": f'"{tag}"'}).status_code == 304
    switch(client, "agent@plan.example")
    client.post(f"/cases/{number}/comment", data={"comment": "Please send the operative report."})
    switch(client, "staff@sunrise.example")
    html = client.get(url, headers={"If-None-Match": f'"{tag}"'}).get_data(as_text=True)
    assert 'id="case-comments" hx-swap-oob="innerHTML"' in html
    assert "Please send the operative report." in html


def test_the_page_asks_every_15_s_by_default_and_as_often_as_configured(app, client, demo):
    thread_id = new_thread(app, client)
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert 'hx-trigger="click, every 15s, live:check"' in page
    app.config["LIVE_POLL_SECONDS"] = 2
    page = client.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert 'hx-trigger="click, every 2s, live:check"' in page
