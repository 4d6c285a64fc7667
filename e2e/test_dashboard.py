"""As office billing staff I open the Dashboard for my Tax ID, change the date range, and read each chart
and the table with its numbers."""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in


def test_dashboard_for_a_tax_id_and_date_range(page: Page):
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    today = date.today()
    page.get_by_label("Tax ID").select_option("000123456")
    page.get_by_label("From").fill((today - timedelta(days=364)).isoformat())
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=f"Tax ID 000123456, {(today - timedelta(days=364)):%m/%d/%Y} – {today:%m/%d/%Y}")).to_be_visible()
    expect(page.get_by_role("img", name="Denial rate by month")).to_be_visible()
    expect(page.get_by_role("img", name="Claims pending by age since received")).to_be_visible()
    expect(page.get_by_role("table", name="Claims not yet paid, by days since the plan received them (to the To date)")
           .get_by_role("rowheader", name="90+ days")).to_be_visible()
    expect(page.get_by_role("table", name="Money in and out (windows end on the To date)")).to_contain_text("Payments received")
    expect(page.get_by_text("Days in accounts receivable")).to_be_visible()
    expect(page.get_by_role("heading", name="Top denial codes")).to_be_visible()
