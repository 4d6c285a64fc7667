"""The index itself, fed synthetic documents (no database): fields, ranking, syntax, scope."""
from __future__ import annotations

from datetime import datetime

import pytest

from webapp.search.engine import Scope, SearchIndex

SUNRISE, HARBOR = 1, 2
SUNRISE_USER = Scope.providers([SUNRISE])
HARBOR_USER = Scope.providers([HARBOR])
CLAIMS_AGENT = Scope.agent(["claims-inquiry"])
APPEALS_AGENT = Scope.agent(["grievance-and-appeals"])


def case(record_id, **values):
    document = {
        "id": record_id, "number": f"1206201714{record_id:02d}", "title": "Question",
        "body": [], "provider_ids": [SUNRISE], "queue": "claims-inquiry", "status": "Open",
        "type": "Claim", "is_open": True, "created": datetime(2026, 1, record_id),
        "updated": datetime(2026, 1, record_id),
    }
    document.update(values)
    return "case", document


def thread(record_id, **values):
    document = {
        "id": record_id, "number": f"MSG-{record_id}", "title": "Message", "body": [],
        "provider_ids": [SUNRISE], "queue": "grievance-and-appeals", "status": "Open",
        "category": "Grievance and Appeal", "sub_category": "Post-service", "is_open": True,
        "created": datetime(2026, 2, record_id), "updated": datetime(2026, 2, record_id),
    }
    document.update(values)
    return "thread", document


CORPUS = [
    case(1, title="Claim denied for timely filing",
         body=["The claim was denied because the filing limit passed", "Jane Quincy",
               "remittance-advice.pdf", "Comment: we appealed the decision by fax"],
         internal=["Supervisor note: provider is on the watchlist"],
         claim_numbers=["CLM778899"], member_ids=["M12345678"], account_numbers=["PA-4455"]),
    case(2, title="Eligibility question", body=["Patient coverage ended; the note mentions CLM778899"],
         status="Closed", type="Eligibility", is_open=False),
    case(3, title="Flamingo audit request", body=["Harbor only words: flamingo lighthouse"],
         provider_ids=[HARBOR], member_ids=["H99887766"], status="Pending Provider"),
    case(4, title="Authorization for physical therapy", body=["Filing of the authorization form"],
         type="Authorization", queue="provider-customer-service"),
    thread(5, title="Appeal of post-service denial", body=["Please review the enclosed records",
                                                           "Second message: any update on the review?"],
           claim_numbers=["CLM5550001"], member_ids=["M55500011"]),
    thread(6, title="Harbor grievance about lighthouse clinic", body=["flamingo reference"],
           provider_ids=[HARBOR]),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = SearchIndex(tmp_path_factory.mktemp("index"))
    index.rebuild(CORPUS)
    return index


def keys(results):
    return [f"{hit.kind}:{hit.record_id}" for hit in results.hits]


@pytest.mark.parametrize("query, expected", [
    ("120620171401", "case:1"),        # case number
    ("CLM778899", "case:1"),           # claim number (also in case 2's text)
    ("m12345678", "case:1"),           # member ID, any case
    ("PA-4455", "case:1"),             # patient account number
    ("timely", "case:1"),              # subject
    ("limit", "case:1"),               # description
    ("Quincy", "case:1"),              # patient name
    ("remittance-advice.pdf", "case:1"),  # attachment name
    ("fax", "case:1"),                 # comment
    ("claim:clm778899", "case:1"),
    ("member:M12345678", "case:1"),
    ("type:eligibility", "case:2"),
    ("status:closed", "case:2"),
    ("queue:provider-customer-service", "case:4"),
])
def test_a_case_is_found_by_each_indexed_field(index, query, expected):
    results = index.search(query, SUNRISE_USER)
    assert keys(results)[0] == expected


@pytest.mark.parametrize("query", [
    "MSG-5", "enclosed", "update", "CLM5550001", "member:m55500011", "category:grievance",
    "status:open appeal", "post-service denial",
])
def test_a_thread_is_found_by_each_indexed_field(index, query):
    assert "thread:5" in keys(index.search(query, SUNRISE_USER))


def test_an_identifier_ranks_its_record_first_and_is_an_exact_match(index):
    results = index.search("CLM778899", SUNRISE_USER)
    assert keys(results) == ["case:1", "case:2"]  # case 2 only mentions it in text
    assert results.exact_matches == [("case", "1")]
    assert index.search("120620171404", SUNRISE_USER).exact_matches == [("case", "4")]


def test_words_are_stemmed(index):
    assert "case:1" in keys(index.search("deny", SUNRISE_USER))         # denied
    assert "thread:5" in keys(index.search("denials", SUNRISE_USER))    # denial
    assert "case:1" in keys(index.search("appealing", SUNRISE_USER))    # appealed
    assert {"case:1", "case:4"} <= set(keys(index.search("files", SUNRISE_USER)))  # filing


def test_all_words_must_match(index):
    assert keys(index.search("claim denied", SUNRISE_USER)) == ["case:1"]
    assert keys(index.search("claim elephant", SUNRISE_USER)) == []


def test_a_quoted_phrase_matches_words_in_that_order(index):
    assert keys(index.search('"timely filing"', SUNRISE_USER)) == ["case:1"]
    assert keys(index.search('"filing timely"', SUNRISE_USER)) == []


def test_a_minus_word_or_phrase_excludes(index):
    assert "case:4" in keys(index.search("filing", SUNRISE_USER))
    assert "case:4" not in keys(index.search("filing -therapy", SUNRISE_USER))
    assert keys(index.search('filing -"timely filing"', SUNRISE_USER)) == ["case:4"]


def test_an_excluded_word_also_excludes_the_first_match(tmp_path):
    # The excluded word's first document (1) comes before the first match (2): Whoosh's own
    # AndNotMatcher let document 2 through.
    index = SearchIndex(tmp_path)
    index.rebuild([case(1, title="denied only"), case(2, title="October denied"),
                   case(3, title="October visit")])
    for scope in (SUNRISE_USER, CLAIMS_AGENT, Scope.admin()):
        results = index.search("october -denied", scope)
        assert keys(results) == ["case:3"] and results.total == 1


@pytest.mark.parametrize("query, expected", [
    ('"unbalanced quote', []), ("*", []), ("AND OR", []), ("NOT", []), ("x" * 5000, []),
    ("denied " * 2000, ["case:1"]), ("bad\x00con\x07trol\x1b[31m", []), ("status:", []),
    (":::", []), ("((claim))", ["case:1"]), ("claim:", ["case:1"]), ('""', []), ("-", []),
    ("--x", []), ("field:value:more", []), ("🙂 denied", ["case:1"]), ("\ufeffdenied", ["case:1"]),
    ("a* ?b ~c ^d", []),
])
def test_a_malformed_query_never_raises_and_is_read_as_plain_words(index, query, expected):
    results = index.search(query, SUNRISE_USER)
    assert not results.unavailable
    assert keys(results) == expected and results.total == len(expected)


def test_malformed_queries_still_find_their_words(index):
    assert keys(index.search('"timely filing', SUNRISE_USER)) == ["case:1"]
    assert "case:1" in keys(index.search("denied AND", SUNRISE_USER))
    assert "case:1" in keys(index.search("den\x00ied", SUNRISE_USER)) or \
        "case:1" in keys(index.search("denied\x00", SUNRISE_USER))


# --- scope ---------------------------------------------------------------------------------

HARBOR_ONLY = ["flamingo", "lighthouse", "H99887766", "member:H99887766", '"flamingo lighthouse"',
               "120620171403", "status:pending", "audit"]


@pytest.mark.parametrize("query", HARBOR_ONLY)
def test_a_harbor_word_is_never_found_counted_or_faceted_for_sunrise(index, query):
    results = index.search(query, SUNRISE_USER)
    assert results.hits == [] and results.total == 0 and results.exact_matches == []
    assert all(count == 0 for facet in results.facets.values() for _, count in facet)
    assert "Pending Provider" not in [value for value, _ in results.facets.get("status", [])]
    # ... but Harbor's own users find it.
    assert index.search(query, HARBOR_USER).total >= 1


def test_a_harbor_word_is_never_suggested_to_sunrise(index):
    for typed in ("flam", "flamin", "lightho"):
        assert index.search(typed, SUNRISE_USER, prefix_last=True, facets=False).total == 0
        assert index.search(typed, SUNRISE_USER, prefix_last=True, open_only=True).total == 0
    assert index.search("flamin", HARBOR_USER, prefix_last=True, facets=False).total >= 1


def test_facets_only_count_what_the_user_may_see(index):
    results = index.search("status:open", SUNRISE_USER)
    statuses = dict(results.facets["status"])
    assert statuses == {"Open": 3}
    assert index.search("grievance flamingo", HARBOR_USER).total == 1
    assert index.search("grievance", SUNRISE_USER).facets["kind"] == [("thread", 1)]


def test_agents_see_their_queues_and_admins_everything(index):
    assert keys(index.search("flamingo", CLAIMS_AGENT)) == ["case:3"]
    assert keys(index.search("flamingo", APPEALS_AGENT)) == ["thread:6"]
    assert set(keys(index.search("flamingo", Scope.admin()))) == {"case:3", "thread:6"}


def test_a_user_with_no_active_provider_sees_nothing(index):
    assert index.search("claim", Scope.providers([])).total == 0


def test_internal_notes_reach_agents_but_never_providers(index):
    assert index.search("watchlist", SUNRISE_USER).total == 0
    assert index.search('"supervisor note"', SUNRISE_USER).total == 0
    assert keys(index.search("watchlist", CLAIMS_AGENT)) == ["case:1"]


# --- results page features -------------------------------------------------------------------

def test_facets_have_counts(index):
    everything = index.search("status:open", Scope.admin())
    kinds = dict(everything.facets["kind"])
    assert kinds == {"case": 2, "thread": 2}
    assert dict(everything.facets["queue"]) == {"claims-inquiry": 1, "grievance-and-appeals": 2,
                                                 "provider-customer-service": 1}


def test_filters_dates_sort_and_pages(index):
    opened = index.search("status:open", Scope.admin(), filters={"kind": "case"})
    assert sorted(keys(opened)) == ["case:1", "case:4"]
    in_january = index.search("status:open", Scope.admin(), date_from=datetime(2026, 1, 2),
                              date_to=datetime(2026, 1, 31))
    assert keys(in_january) == ["case:4"]
    newest = index.search("status:open", Scope.admin(), sort="date")
    assert keys(newest) == ["thread:6", "thread:5", "case:4", "case:1"]
    page2 = index.search("status:open", Scope.admin(), sort="date", page=2, per_page=3)
    assert keys(page2) == ["case:1"] and page2.total == 4 and page2.pages == 2


def test_an_unknown_filter_value_finds_nothing(index):
    assert index.search("status:nonsense", Scope.admin()).total == 0


def test_excerpt_marks_the_matched_words(index):
    results = index.search("denied filing", SUNRISE_USER)
    segments = index.excerpt("The claim was denied because the filing limit passed", results.parsed)
    assert [text for text, hit in segments if hit] == ["denied", "filing"]
    assert "".join(text for text, _ in segments) == "The claim was denied because the filing limit passed"


def test_searchers_are_reused_and_refreshed_only_after_a_change(tmp_path):
    index = SearchIndex(tmp_path)
    index.rebuild([case(1, title="first")])
    with index.searcher() as pooled:
        first = pooled.searcher
    index.search("first", SUNRISE_USER)
    with index.searcher() as pooled:
        assert pooled.searcher is first
    index.apply([case(2, title="second")], [])
    assert index.search("second", SUNRISE_USER).total == 1
    with index.searcher() as pooled:
        assert pooled.searcher is not first
