"""Steps shared by the user stories: done through the UI, finding controls by visible names."""
from playwright.sync_api import Page, expect

DEMO_PASSWORD = "Demo!Pass2026"


def submit_sign_in(page: Page, login: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email or User ID").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def sign_in(page: Page, login: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in and wait until the signed-in page has loaded."""
    submit_sign_in(page, login, password)
    expect(page.get_by_role("button", name="Sign Out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign Out").click()
    expect(page.get_by_role("heading", name="Sign in to ProviderDesk")).to_be_visible()
