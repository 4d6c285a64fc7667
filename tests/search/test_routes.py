"""The search pages: header box, suggestions, results with facets/filters/pages, similar records."""
from __future__ import annotations

import re

import pytest

from webapp.blueprints.providers.services import provider_by_npi
from webapp.extensions import db
from tests.search.conftest import FakeNote, add_record, wait_until_indexed

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


def test_the_header_has_a_search_box_for_signed_in_users(signed_in, client):
    assert 'role="search"' not in text(client.get("/sign-in"))
    page = text(signed_in("staff@sunrise.example").get("/"))
    assert '<label for="site-search-q" class="visually-hidden">Search cases and messages</label>' in page
    assert 'hx-get="/search/suggest"' in page


def test_suggestions_are_a_tiny_fragment_of_visible_records(records, signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.get("/search/suggest?q=timely+fil", headers={"HX-Request": "true"})
    body = text(response)
    assert "Claim denied for timely filing" in body and f"/fake/case/{records['denied']}" in body
    assert "<html" not in body and len(response.data) < 1000
    assert "flamingo" not in text(client.get("/search/suggest?q=flamin"))
    assert "No matches" in text(client.get("/search/suggest?q=flamin"))


def test_results_page_works_without_javascript_with_excerpts_and_facets(records, signed_in):
    client = signed_in("staff@sunrise.example")
    page = text(client.get("/search?q=denied"))
    assert "1 result for" in page
    assert "<mark>denied</mark>" in page
    assert "Claim denied for timely filing" in page and "Harbor" not in page
    assert re.search(r"Open \(1\)", page)


def test_filter_by_status_sort_and_pages(records, signed_in):
    client = signed_in("staff@sunrise.example")
    page = text(client.get("/search?q=claim"))
    assert "2 results" in page and 'href="/search?q=claim&amp;status=Closed"' in page
    filtered = text(client.get("/search?q=claim&status=Closed"))
    assert "1 result for" in filtered and "Closed claim question" in filtered
    assert "Claim denied for timely filing" not in filtered
    first = text(client.get("/search?q=walrus&sort=date"))
    assert "25 results" in first and "Page 1 of 2" in first and "Next page" in first
    second = text(client.get("/search?q=walrus&sort=date&page=2"))
    assert second.count("Bulk walrus item") == 5 and "Previous page" in second


def test_date_range_filter(records, signed_in):
    client = signed_in("staff@sunrise.example")
    assert "2 results" in text(client.get("/search?q=claim&date_from=2026-01-05&date_to=2026-01-05"))
    assert "0 results" in text(client.get("/search?q=claim&date_from=2026-02-01"))
    assert client.get("/search?q=claim&date_from=not-a-date").status_code == 200


def test_an_identifier_goes_straight_to_the_only_visible_record(records, signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.get("/search?q=120620171401")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/fake/case/{records['denied']}"
    assert client.get("/search?q=CLM4242").headers["Location"] == f"/fake/case/{records['denied']}"
    # Harbor's case number is not visible to Sunrise: no redirect, nothing found.
    other = client.get("/search?q=120620171403")
    assert other.status_code == 200 and "0 results" in text(other)


def test_harbor_staff_finds_nothing_of_sunrises(records, signed_in):
    client = signed_in("staff@harbor.example")
    page = text(client.get("/search?q=claim"))
    assert "Harbor flamingo denied claim" in page and "timely" not in page
    assert "toucan" not in text(client.get("/search/suggest?q=touca"))
    assert "0 results" in text(client.get("/search?q=toucan"))


def test_an_agent_finds_a_message_by_a_word_of_its_body_and_internal_notes(records, signed_in):
    client = signed_in("appeals@plan.example")
    page = text(client.get("/search?q=toucan"))
    assert "Post-service appeal" in page and "1 result for" in page
    assert "0 results" in text(client.get("/search?q=kiwi"))  # another queue's case


def test_an_agent_finds_internal_notes_of_their_queues(records, signed_in):
    client = signed_in("agent@plan.example")
    page = text(client.get("/search?q=kiwi"))
    assert "Claim denied for timely filing" in page
    assert "internal kiwi remark" not in page  # found by it, never displayed


def test_internal_notes_never_reach_provider_users(records, signed_in):
    client = signed_in("staff@sunrise.example")
    assert "0 results" in text(client.get("/search?q=kiwi"))
    page = text(client.get("/search?q=claim+denied"))
    assert "kiwi" not in page


def test_similar_open_records_for_a_new_subject(records, signed_in):
    client = signed_in("staff@sunrise.example")
    body = text(client.get("/search/similar?kind=case&subject=denied+claim+question"))
    assert "Similar open cases" in body and "Claim denied for timely filing" in body
    assert "Closed claim question" not in body and "flamingo" not in body
    thread = text(client.get("/search/similar?kind=thread&subject=appeal+records"))
    assert "Similar open messages" in thread and "Post-service appeal" in thread
    assert text(client.get("/search/similar?kind=case&subject=zz")) .strip() == ""


@pytest.mark.parametrize("query", ['"unbalanced', "*", "AND OR", "x" * 5000, "a\x00b\x1bc", ":"])
def test_malformed_queries_render_a_page(records, signed_in, query):
    client = signed_in("staff@sunrise.example")
    assert client.get("/search", query_string={"q": query}).status_code == 200
    assert client.get("/search/suggest", query_string={"q": query}).status_code == 200


def test_search_needs_sign_in(client):
    assert client.get("/search?q=claim").status_code == 302
    assert client.get("/search/suggest?q=claim").status_code == 302
