"""Account security, as a person meets it: a wait after wrong passwords, sessions that really end,
errors shown in place on Register with JavaScript on, and signing out my other sessions."""
import re

from playwright.sync_api import expect

from e2e.helpers import sign_in, sign_out, submit_sign_in


def test_after_five_wrong_passwords_the_page_says_when_to_try_again(page):
    for _ in range(5):
        submit_sign_in(page, "front.desk@harbor.example", "Not-my-password1!")
    expect(page.get_by_text("Too many unsuccessful sign-in attempts")).to_be_visible()
    expect(page.get_by_text("before you try again")).to_be_visible()
    expect(page.get_by_label("Email or User ID")).to_have_value("front.desk@harbor.example")


def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(page, browser, live_server):
    sign_in(page, "staff@sunrise.example")
    copied = page.context.cookies()
    sign_out(page)
    thief = browser.new_context(base_url=live_server.url)
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto("/")
        expect(stolen.get_by_role("heading", name="Sign in to ProviderDesk")).to_be_visible()
        expect(stolen.get_by_role("button", name="Sign Out")).to_have_count(0)
    finally:
        thief.close()


def test_register_step_one_with_javascript_shows_the_errors_in_place(page):
    page.goto("/register")
    page.get_by_label("Full name").fill("Nora")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Enter your email address.").first).to_be_visible()
    expect(page.get_by_text("Enter your first and last name.").first).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Nora")
    expect(page.get_by_role("heading", name="Register as a new user")).to_be_visible()


def test_sign_out_other_sessions_from_my_profile(page, browser, live_server):
    sign_in(page, "loa@harbor.example")
    phone = browser.new_context(base_url=live_server.url)
    try:
        other = phone.new_page()
        sign_in(other, "loa@harbor.example")
        page.locator("header").get_by_role("link", name="Helen Park").click()
        expect(page.get_by_role("heading", name="Active sessions")).to_be_visible()
        expect(page.get_by_text("(this session)")).to_be_visible()
        page.get_by_role("button", name="Sign out other sessions").click()
        expect(page.get_by_text(re.compile(r"Signed out \d+ other sessions?\."))).to_be_visible()
        other.goto("/")
        expect(other.get_by_role("heading", name="Sign in to ProviderDesk")).to_be_visible()
        page.goto("/")
        expect(page.get_by_role("button", name="Sign Out")).to_be_visible()  # this one stays
    finally:
        phone.close()
