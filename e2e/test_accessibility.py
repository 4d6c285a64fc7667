"""Error states get the same axe-core checks as every other page (the `page` fixture runs them:
e2e/accessibility.py), and the checks do catch a violation, naming the rule and the element."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.accessibility import AxeWatch
from e2e.helpers import sign_in


def test_pages_with_errors_are_accessible(page: Page):
    page.goto("/no-such-page")
    expect(page.get_by_text("does not exist")).to_be_visible()

    page.goto("/register")
    page.get_by_label("Full name").fill("Kim Avery")
    page.get_by_label("Provider's full address").fill("1200 Sunrise Boulevard, Hartford, CT 06103")
    page.get_by_label("Mobile number").fill("12")  # too short: the server says so
    page.get_by_label("Email address").fill("kim.avery@newoffice.example")
    page.get_by_label("Position").fill("Biller")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()

    sign_in(page, "staff@sunrise.example")
    page.goto("/cases/999999999999999999999")
    expect(page.get_by_text("does not exist")).to_be_visible()
    page.get_by_role("link", name="Create Case").click()
    page.get_by_label("Select the type of case").select_option("General Question")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    page.get_by_label("Search cases and messages").fill('"unbalanced -')
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("0 results for")).to_be_visible()


PROBE = """<!doctype html><html lang="en"><head><title>Probe</title></head><body><main>
<h1>Probe</h1><form><input id="unlabelled" type="text"></form></main></body></html>"""


def test_the_checks_name_the_rule_the_page_and_the_element(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        watch = AxeWatch(page)  # on its own: its violations must not fail this test
        page.route("**/a11y-probe", lambda route: route.fulfill(body=PROBE, content_type="text/html"))
        page.goto("/a11y-probe")
        watch.wait()
        assert watch.states == 1
        assert [(v.rule, v.element) for v in watch.violations] == [("label", "#unlabelled")]
        report = watch.report()
        assert "label (critical): Form elements must have labels" in report
        assert "/a11y-probe (after the page loaded)" in report and 'id="unlabelled"' in report
    finally:
        context.close()
