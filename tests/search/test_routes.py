"""The search pages: header box, suggestions, results with facets/filters/pages, similar records."""
from __future__ import annotations

import re

import pytest

from tests.search.conftest import FakeNote, add_record, wait_until_indexed
from webapp.extensions import db
from webapp.providers.services import provider_by_npi

SUNRISE_NPI, HARBOR_NPI = "1234567893", "1555555550"


@pytest.fixture
def records(fake_source, demo):
    with fake_source.app_context():
        sunrise = provider_by_npi(SUNRISE_NPI).id
        harbor = provider_by_npi(HARBOR_NPI).id
        made = {
            "denied": add_record(number="120620171401", subject="Claim denied for timely filing",
                                 description="The payer denied the claim", provider_id=sunrise,
                                 claim_number="CLM4242", status="Open", type="Claim",
                                 notes=[("internal kiwi remark", True)]),
            "closed": add_record(number="120620171402", subject="Closed claim question",
                                 provider_id=sunrise, status="Closed", type="Claim"),
            "harbor": add_record(number="120620171403", subject="Harbor flamingo denied claim",
                                 provider_id=harbor, status="Open", type="Claim"),
            "thread": add_record(kind="thread", number="MSG-9", subject="Post-service appeal",
                                 provider_id=sunrise, queue="grievance-and-appeals",
                                 category="Grievance and Appeal",
                                 notes=[("Please review the toucan records", False)]),
        }
        for number in range(25):
            add_record(number=f"BULK{number}", subject=f"Bulk walrus item {number}",
                       provider_id=sunrise)
        wait_until_indexed()
        return {name: record.id for name, record in made.items()}


def text(response) -> str:
    return response.get_data(as_text=True)


def find(client, q="", **fields):
    return client.post("/search", data={"q": q, **fields})


def suggest(client, q):
    return client.post("/search/suggest", data={"q": q}, headers={"HX-Request": "true"})


def test_the_header_has_a_search_box_for_signed_in_users(signed_in, client):
    assert 'role="search"' not in text(client.get("/sign-in"))
    page = text(signed_in("staff@sunrise.example").get("/"))
    assert '<label for="site-search-q" class="visually-hidden">Search cases and messages</label>' in page
    assert 'hx-post="/search/suggest"' in page and 'method="post" action="/search"' in page


def test_suggestions_are_a_tiny_fragment_of_visible_records(records, signed_in):
    client = signed_in("staff@sunrise.example")
    response = suggest(client, "timely fil")
    body = text(response)
    assert "Claim denied for timely filing" in body and f"/fake/case/{records['denied']}" in body
    assert "<html" not in body and len(response.data) < 1000
    assert "flamingo" not in text(suggest(client, "flamin"))
    assert "No matches" in text(suggest(client, "flamin"))


def test_results_page_works_without_javascript_with_excerpts_and_facets(records, signed_in):
    client = signed_in("staff@sunrise.example")
    page = text(find(client, "denied"))
    assert "1 result for" in page
    assert "<mark>denied</mark>" in page
    assert "Claim denied for timely filing" in page and "Harbor" not in page
    assert re.search(r"Open \(1\)", page)


def test_filter_by_status_sort_and_pages(records, signed_in):
    client = signed_in("staff@sunrise.example")
    page = text(find(client, "claim"))
    assert "2 results" in page and 'name="set_status" value="Closed">Closed (1)</button>' in page
    filtered = text(find(client, "claim", set_status="Closed"))
    assert "1 result for" in filtered and "Closed claim question" in filtered
    assert "Claim denied for timely filing" not in filtered
    assert '<input type="hidden" name="status" value="Closed">' in filtered
    kept = text(find(client, "claim", status="Closed", sort="date"))
    assert "1 result for" in kept
    removed = text(find(client, "claim", status="Closed", set_status=""))
    assert "2 results" in removed
    first = text(find(client, "walrus", sort="date"))
    assert "25 results" in first and "Page 1 of 2" in first and "Next page" in first
    second = text(find(client, "walrus", sort="date", page="2"))
    assert second.count("Bulk walrus item") == 5 and "Previous page" in second


def test_date_range_filter(records, signed_in):
    client = signed_in("staff@sunrise.example")
    assert "2 results" in text(find(client, "claim", date_from="2026-01-05", date_to="2026-01-05"))
    assert "0 results" in text(find(client, "claim", date_from="2026-02-01"))
    assert find(client, "claim", date_from="not-a-date").status_code == 200


def test_an_identifier_goes_straight_to_the_only_visible_record(records, signed_in):
    client = signed_in("staff@sunrise.example")
    response = find(client, "120620171401")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/fake/case/{records['denied']}"
    assert find(client, "CLM4242").headers["Location"] == f"/fake/case/{records['denied']}"
    # Harbor's case number is not visible to Sunrise: no redirect, nothing found.
    other = find(client, "120620171403")
    assert other.status_code == 200 and "0 results" in text(other)


def test_harbor_staff_finds_nothing_of_sunrises(records, signed_in):
    client = signed_in("staff@harbor.example")
    page = text(find(client, "claim"))
    assert "Harbor flamingo denied claim" in page and "timely" not in page
    assert "toucan" not in text(suggest(client, "touca"))
    assert "0 results" in text(find(client, "toucan"))


def test_an_agent_finds_a_message_by_a_word_of_its_body_and_internal_notes(records, signed_in):
    client = signed_in("appeals@plan.example")
    page = text(find(client, "toucan"))
    assert "Post-service appeal" in page and "1 result for" in page
    assert "0 results" in text(find(client, "kiwi"))  # another queue's case


def test_an_agent_finds_internal_notes_of_their_queues(records, signed_in):
    client = signed_in("agent@plan.example")
    page = text(find(client, "kiwi"))
    assert "Claim denied for timely filing" in page
    assert "internal kiwi remark" not in page  # found by it, never displayed


def test_internal_notes_never_reach_provider_users(records, signed_in):
    client = signed_in("staff@sunrise.example")
    assert "0 results" in text(find(client, "kiwi"))
    page = text(find(client, "claim denied"))
    assert "kiwi" not in page


def test_similar_open_records_for_a_new_subject(records, signed_in):
    client = signed_in("staff@sunrise.example")
    body = text(client.post("/search/similar", data={"kind": "case", "subject": "denied claim question"}))
    assert "Similar open cases" in body and "Claim denied for timely filing" in body
    assert "Closed claim question" not in body and "flamingo" not in body
    thread = text(client.post("/search/similar", data={"kind": "thread", "subject": "appeal records"}))
    assert "Similar open messages" in thread and "Post-service appeal" in thread
    assert text(client.post("/search/similar", data={"kind": "case", "subject": "zz"})).strip() == ""


@pytest.mark.parametrize("query, has_words", [
    ('"unbalanced', True), ("*", False), ("AND OR", True), ("x" * 5000, True), ("a\x00b\x1bc", True),
    (":", False),
])
def test_malformed_queries_render_a_page(records, signed_in, query, has_words):
    client = signed_in("staff@sunrise.example")
    response = find(client, query)
    assert response.status_code == 200 and "0 results" in text(response)
    suggestions = text(suggest(client, query))
    if has_words:  # words that match nothing say so
        assert "No matches" in suggestions and "/fake/case/" not in suggestions
    else:  # no words at all: nothing to suggest
        assert suggestions.strip() == ""


def test_search_needs_sign_in(client):
    for response in (find(client, "claim"), suggest(client, "claim")):
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        assert "claim" not in response.headers["Location"]  # the query never goes into a URL


def test_queries_never_go_into_urls(records, signed_in):
    client = signed_in("staff@sunrise.example")
    page = text(find(client, "walrus", sort="date"))
    assert "?q=" not in page and "walrus&" not in page
    assert client.get("/search?q=M12345678").status_code == 200  # a GET shows an empty form
    assert "result" not in text(client.get("/search?q=M12345678"))


def test_search_posts_need_a_csrf_token(records, signed_in, app):
    client = signed_in("staff@sunrise.example")
    app.config["WTF_CSRF_ENABLED"] = True
    for response in (find(client, "walrus"), suggest(client, "walrus")):
        assert response.status_code == 400 and "Your form expired" in text(response)
        assert "Bulk walrus" not in text(response)  # nothing was searched
