"""Steps shared by the user stories: done through the UI, finding controls by visible names."""
import re
from urllib.parse import urlsplit

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


def sign_in_over_http(page: Page, login: str, password: str = DEMO_PASSWORD) -> None:
    """Sign the page's browser context in with the sign-in form's two requests sent over HTTP (the
    context's cookies), without showing the sign-in and Home pages: for stories about other pages
    (the page budgets), which need not load, and check with axe-core, those two pages each time.
    The stories above sign in through the UI."""
    form = page.request.get("/sign-in")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text()).group(1)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(form.url))
    answer = page.request.post("/sign-in", form={"csrf_token": token, "login": login, "password": password},
                               headers={"Origin": origin}, max_redirects=0)
    assert answer.status == 303 and "/sign-in" not in answer.headers.get("location", ""), \
        f"sign-in as {login} answered {answer.status}: {answer.text()[:300]}"
