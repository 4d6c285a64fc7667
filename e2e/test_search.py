"""Search from the header. (Stories with real cases and messages come with those features: this
branch has no case or message records yet; tests/search/test_routes.py covers them with a
test-only source.)"""
from playwright.sync_api import Page, expect

from e2e.helpers import sign_in


def test_staff_types_in_the_header_box_and_opens_the_results_page(page: Page):
    sign_in(page, "staff@sunrise.example")
    box = page.get_by_label("Search cases and messages")
    box.press_sequentially("timely fil", delay=30)
    expect(page.locator("#site-search-suggestions")).to_contain_text("No matches")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    expect(page.get_by_text("0 results for")).to_be_visible()
    expect(page.get_by_role("combobox", name="Sort by")).to_be_visible()


def test_the_results_page_works_with_javascript_off(no_js_page: Page):
    sign_in(no_js_page, "agent@plan.example")
    no_js_page.get_by_label("Search cases and messages").fill('"unbalanced -')
    no_js_page.get_by_role("button", name="Search").click()
    expect(no_js_page.get_by_text("0 results for")).to_be_visible()
