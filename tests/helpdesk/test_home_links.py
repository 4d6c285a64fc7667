"""Provider Home's counts link to pages filtered to the same items."""
from __future__ import annotations

import re
from html import unescape

from tests.helpdesk.conftest import new_thread, switch


def _link_and_count(home: str, heading_id: str) -> tuple[str, int]:
    match = re.search(rf'id="{heading_id}"><a href="([^"]+)">[^<]+</a> <span class="count">(\d+)', home)
    assert match, heading_id
    return unescape(match.group(1)), int(match.group(2))


def test_denied_claims_link_opens_claims_search_with_the_same_claims(app, client, demo):
    switch(client, "staff@sunrise.example")
    home = client.get("/").get_data(as_text=True)
    link, count = _link_and_count(home, "needs-denied")
    assert "denied_only=y" in link and "member" not in link and "claim_number" not in link
    page = client.get(link).get_data(as_text=True)
    assert 'id="denied_only" name="denied_only" type="checkbox" value="y" checked' in page or \
        re.search(r'<input[^>]*checked[^>]*id="denied_only"|<input[^>]*id="denied_only"[^>]*checked', page)
    rows = re.findall(r'href="/claims/\d+"', page)
    assert len(set(rows)) == count


def test_denied_only_narrows_a_search_to_claims_denied_whole(app, client, demo):
    switch(client, "staff@sunrise.example")
    base = {"date_type": "service", "date_from": "2026-01-01", "date_to": "2026-12-31", "status": ""}
    every = client.post("/claims", data=base).get_data(as_text=True)
    denied = client.post("/claims", data={**base, "denied_only": "y"}).get_data(as_text=True)
    all_ids, denied_ids = set(re.findall(r'href="/claims/(\d+)"', every)), set(re.findall(r'href="/claims/(\d+)"', denied))
    assert denied_ids and denied_ids != all_ids  # (the search shows at most its result limit)
    for claim_id in list(denied_ids)[:3]:
        detail = client.get(f"/claims/{claim_id}").get_data(as_text=True)
        assert "$0.00" in detail


def test_unread_replies_link_lists_only_unread_threads(app, client, demo):
    thread_id = new_thread(app, client, subject="Please answer me")
    switch(client, "agent@plan.example")
    client.post(f"/messages/{thread_id}/reply", data={"reply-body": "Here is the answer.", "reply-status": "answered"},
                content_type="multipart/form-data")
    switch(client, "staff@sunrise.example")
    home = client.get("/").get_data(as_text=True)
    link, count = _link_and_count(home, "needs-unread")
    assert link == "/messages?unread=1" and count >= 1
    page = client.get(link).get_data(as_text=True)
    assert f'href="/messages/{thread_id}"' in page
    assert 'id="filter-unread" name="unread" value="1" checked' in page
    assert len(set(re.findall(r'href="/messages/(\d+)"', page))) == count
