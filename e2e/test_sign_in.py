"""As office staff, I sign in to the portal and out again, with or without JavaScript."""
from playwright.sync_api import expect

from e2e.helpers import sign_in, sign_out, submit_sign_in


def test_staff_signs_in_sees_their_name_and_signs_out(page):
    sign_in(page, "staff@sunrise.example")
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Sam Rivera")
    expect(page.get_by_role("cell", name="Sunrise Family Medical Group")).to_be_visible()

    sign_out(page)
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to ProviderDesk")).to_be_visible()


def test_wrong_password_shows_one_message_and_keeps_the_email(page):
    submit_sign_in(page, "staff@sunrise.example", "Not-the-password1!")
    expect(page.get_by_role("alert")).to_contain_text("do not match our records")
    expect(page.get_by_label("Email or User ID")).to_have_value("staff@sunrise.example")
    expect(page.get_by_label("Password")).to_have_value("")


def test_sign_in_with_user_id(page, live_server):
    sign_in(page, "staff@harbor.example")
    code = page.locator(".summary dd").first.inner_text()
    sign_out(page)
    sign_in(page, code)
    expect(page.get_by_role("heading", name="Welcome, Tom")).to_be_visible()


def test_pages_work_with_javascript_disabled(no_js_page):
    page = no_js_page
    sign_in(page, "loa@harbor.example")
    expect(page.get_by_role("heading", name="Welcome, Helen")).to_be_visible()
    expect(page.get_by_role("cell", name="Harbor Pediatrics")).to_be_visible()
    sign_out(page)


def test_skip_link_moves_focus_to_the_main_region(page):
    sign_in(page, "staff@sunrise.example")
    page.goto("/")  # a fresh load: keyboard focus starts at the top of the document
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
