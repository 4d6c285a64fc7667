"""As a Local Office Administrator I open Reports, choose PCP Membership Roster and my provider, page
through the roster with Get Member Roster, and download it as CSV."""
from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in


def test_roster_on_screen_and_downloaded(page: Page):
    sign_in(page, "loa@sunrise.example")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.get_by_label("Report Type").select_option(label="PCP Membership Roster")
    page.get_by_label("Provider").select_option(label="Sunrise Family Medical Group (NPI 1234567893)")
    page.get_by_role("button", name="Get Member Roster").click()
    expect(page.get_by_role("heading", name="PCP Membership Roster: Sunrise Family Medical Group")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("members assigned")
    shown = page.get_by_role("row").count() - 1
    assert shown >= 1
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("pcp_roster-1234567893-")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert len(rows) == shown and all(row["Member ID"] for row in rows)
