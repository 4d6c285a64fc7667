"""As a Local Office Administrator, I withdraw a user's access on the Users page, and the user's open
session ends at once."""
from playwright.sync_api import expect

from e2e.account_steps import STRONG_PASSWORD, new_active_user
from e2e.helpers import sign_in
from e2e.training_steps import read_pages_and_pass


def test_administrator_withdraws_a_user_whose_open_session_then_ends(page, browser, live_server, smtp_server):
    email = new_active_user(page, smtp_server, "withdrawn", "Wes Turner")
    sign_in(page, email, STRONG_PASSWORD)
    read_pages_and_pass(page, "staff")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Wes")).to_be_visible()

    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="America/New_York")
    context.set_default_timeout(10_000)
    admin = context.new_page()
    try:
        sign_in(admin, "loa@sunrise.example")
        admin.get_by_role("link", name="Users", exact=True).click()
        expect(admin.get_by_role("heading", name="Users")).to_be_visible()
        row = admin.get_by_role("row").filter(has_text=email)
        expect(row).to_contain_text("Staff")
        expect(row).to_contain_text("Passed")
        row.get_by_role("button", name="Withdraw access of Wes Turner to Sunrise Family Medical Group").click()
        expect(admin.get_by_text("Wes Turner no longer has access to Sunrise Family Medical Group. "
                                 "Their open sessions were signed out.")).to_be_visible()
        expect(admin.get_by_role("row").filter(has_text=email)).to_have_count(0)
    finally:
        context.close()

    # Wes's browser is still open on Home: the next click lands on Sign In.
    page.get_by_role("link", name="Claims", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in to ProviderDesk")).to_be_visible()
    expect(page.get_by_role("button", name="Sign Out")).to_have_count(0)


def test_with_javascript_off_provider_services_approves_after_a_phone_check(no_js_page):
    page = no_js_page
    sign_in(page, "agent@plan.example")
    page.get_by_role("link", name="Provider Services").click()
    expect(page.get_by_role("heading", name="Provider Services")).to_be_visible()
    page.get_by_role("link", name="Lee Park").click()
    expect(page.get_by_role("heading", name="Access request of Lee Park")).to_be_visible()
    expect(page.get_by_text("(203) 555-0177")).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Write a note")
    page.get_by_label("Approve").check()
    page.get_by_label("Note").fill("Called (203) 555-0177; the office manager confirmed Lee works there.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("The request of Lee Park for Lakeside Family Practice was approved.")).to_be_visible()
    expect(page.get_by_text("No access requests are waiting.")).to_be_visible()


def test_with_javascript_off_the_administrator_sees_users_and_who_is_due(no_js_page):
    page = no_js_page
    sign_in(page, "loa@sunrise.example")
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="staff@sunrise.example")).to_contain_text("Due soon")
    page.get_by_role("link", name="Office training", exact=True).click()
    expect(page.get_by_role("heading", name="Office training status")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Sam Rivera")).to_contain_text("Due soon")
