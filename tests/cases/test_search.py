"""Search and Comment: All Cases, My Cases, Case Number; sorted, filtered, 25 a page on the server."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.cases.helpers import new_case

START = datetime(2026, 11, 1, 17, 0, tzinfo=timezone.utc)


@pytest.fixture
def many(world, app):
    """30 Sunrise cases (27 by Sam, 3 by Linda) one hour apart, and one Harbor case."""
    numbers = []
    with app.app_context():
        for index in range(30):
            with time_machine.travel(START + timedelta(hours=index), tick=False):
                login = "loa@sunrise.example" if index % 10 == 0 else "staff@sunrise.example"
                numbers.append(new_case(login, subject=f"Case subject number {index:02d} " + "x" * 20).number)
        with time_machine.travel(START, tick=False):
            new_case("staff@harbor.example", npi="1555555550")
    return numbers


def rows(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/(\d+)">', html)


def test_all_cases_are_paged_25_at_a_time_newest_first(many, signed_in):
    client = signed_in("staff@sunrise.example")
    first = client.get("/cases").get_data(as_text=True)
    assert rows(first) == list(reversed(many))[:25]
    assert "Showing 1–25 of 30 cases" in first and "Page 1 of 2" in first
    second = client.get("/cases?page=2").get_data(as_text=True)
    assert rows(second) == list(reversed(many))[25:]
    for header in ("Action", "Case Number", "Subject", "Status", "Created Date/Time", "Owner"):
        assert re.search(rf'<th scope="col"[^>]*>\s*(<a [^>]*>)?{re.escape(header)}<', first), header


def test_paging_and_sorting_swap_only_the_table_with_htmx(many, signed_in):
    client = signed_in("staff@sunrise.example")
    page = client.get("/cases").get_data(as_text=True)
    next_link = re.search(r'<a href="([^"]+)" hx-get="\1" hx-target="#case-table"[^>]*>Next page</a>',
                          page)
    assert next_link
    fragment = client.get(next_link.group(1).replace("&amp;", "&"),
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="case-table"') and "<html" not in fragment
    assert len(rows(fragment)) == 5
    oldest_first = client.get("/cases?sort=number&dir=asc").get_data(as_text=True)
    assert rows(oldest_first)[:3] == many[:3]
    assert 'aria-sort="ascending"' in oldest_first


def test_my_cases_are_the_ones_i_created(many, signed_in):
    mine = signed_in("loa@sunrise.example").get("/cases?view=mine").get_data(as_text=True)
    assert sorted(rows(mine)) == sorted(many[0::10])


def test_case_number_is_an_exact_lookup(many, signed_in):
    client = signed_in("staff@sunrise.example")
    found = client.get(f"/cases?view=number&number={many[4]}").get_data(as_text=True)
    assert rows(found) == [many[4]]
    assert rows(client.get(f"/cases?view=number&number={many[4][:-1]}").get_data(as_text=True)) == []


def test_status_filter(many, signed_in, app):
    from sqlalchemy import select

    from webapp.blueprints.auth.services import find_user_by_login
    from webapp.blueprints.cases import services
    from webapp.extensions import db
    from webapp.models import Case, CaseStatus

    with app.app_context():
        agent = find_user_by_login("agent@plan.example")
        case = db.session.scalar(select(Case).where(Case.number == many[7]))
        services.change_status(agent, case, CaseStatus.PENDING_PROVIDER)
        db.session.commit()
    client = signed_in("staff@sunrise.example")
    filtered = client.get("/cases?status=pending_provider").get_data(as_text=True)
    assert rows(filtered) == [many[7]]
    assert "Pending Provider Response" in filtered


def test_rows_show_short_subject_owner_and_time_in_the_users_zone(many, signed_in, app):
    client = signed_in("staff@sunrise.example")
    page = client.get("/cases?sort=number&dir=asc").get_data(as_text=True)
    assert 'title="Case subject number 00 xxxxxxxxxxxxxxxxxxxx"' in page
    assert "Case subject number 00 xxxxxx…" in page
    assert "Nov 1, 2026 12:00:00 PM EST" in page  # 17:00 UTC in New York (DST ended that night)
    assert "<td>Claims Inquiry</td>" in page
    # The row's Action offers Comment and Attach as plain links.
    assert f'href="/cases/{many[0]}/comment">Comment</a>' in page
    assert f'href="/cases/{many[0]}/attach">Attach</a>' in page

    from webapp.blueprints.auth.services import find_user_by_login
    from webapp.extensions import db
    with app.app_context():
        find_user_by_login("staff@sunrise.example").time_zone = "America/Los_Angeles"
        db.session.commit()
    page = client.get("/cases?sort=number&dir=asc").get_data(as_text=True)
    assert "Nov 1, 2026 9:00:00 AM PST" in page


def test_agents_see_cases_by_queue_with_counts(many, signed_in):
    client = signed_in("agent@plan.example")
    page = client.get("/cases/queues?queue=claims-inquiry").get_data(as_text=True)
    assert re.search(r">Claims Inquiry</a> <span class=\"badge\"[^>]*>31</span>", page)
    assert re.search(r">Provider Customer Service</a> <span class=\"badge\"[^>]*>0</span>", page)
    assert "Showing 1–25 of 31 cases" in page
    assert client.get("/cases").status_code == 302
    client.post("/sign-out")
    assert signed_in("staff@sunrise.example").get("/cases/queues").status_code == 404
