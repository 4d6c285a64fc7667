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
    page.get_by_role("link", name="Claims").click()
    expect(page.get_by_role("heading", name="Sign in to ProviderDesk")).to_be_visible()
    expect(page.get_by_role("button", name="Sign Out")).to_have_count(0)
