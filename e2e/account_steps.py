"""Account steps shared by the stories: register, approve, create credentials (through the UI)."""
from __future__ import annotations

import itertools

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in, sign_out

STRONG_PASSWORD = "Kestrel#Harbor42"
_numbers = itertools.count(1)


def new_email(prefix: str) -> str:
    return f"{prefix}{next(_numbers)}@newoffice.example"


def fill_details(page: Page, email: str, name: str = "Nora Quinn") -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Register as a new user").click()
    expect(page.get_by_role("heading", name="Register", exact=True)).to_be_visible()
    page.get_by_role("button", name="Continue with registration").click()
    expect(page.get_by_role("heading", name="Register as a new user")).to_be_visible()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Provider's full address").fill("1200 Sunrise Boulevard, Suite 300, Hartford, CT 06103")
    page.get_by_label("Mobile number").fill("860-555-0199")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Position").fill("Billing Specialist")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Verify Your Identity")).to_be_visible()


def enter_passcode(page: Page, code: str, button: str = "Next") -> None:
    page.get_by_label("Passcode").fill(code)
    page.get_by_role("button", name=button, exact=True).click()


def find_sunrise_and_submit(page: Page) -> None:
    expect(page.get_by_role("heading", name="Identify your provider")).to_be_visible()
    page.get_by_role("tab", name="Group/Facility Search").click()
    page.get_by_label("Tax ID").fill("000123456")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Sunrise Family Medical Group").check()
    page.get_by_label("Staff", exact=True).check()
    page.get_by_label("On behalf of the provider").check()
    page.get_by_role("button", name="Next").click()
    prove_identity(page, npi="1234567893", proof="Tax ID (group)", fields={"Tax ID (TIN)": "000123456"},
                   provider_email="office@sunrise.example")
    expect(page.get_by_role("heading", name="Submit your request")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Local Office Administrator of Sunrise Family Medical Group")).to_be_visible()


def prove_identity(page: Page, *, npi: str, proof: str, fields: dict[str, str],
                   provider_email: str | None = None) -> None:
    """The "Verify the provider's identity" step: the NPI, one proof, and (on behalf) the provider's email."""
    expect(page.get_by_role("heading", name="Verify the provider's identity")).to_be_visible()
    page.get_by_label("NPI", exact=True).fill(npi)
    page.get_by_label(proof, exact=True).check()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    if provider_email is not None:
        page.get_by_label("Provider's email address").fill(provider_email)
    page.get_by_role("button", name="Next").click()


def approve_as_administrator(page: Page, name: str) -> None:
    sign_in(page, "loa@sunrise.example")
    page.get_by_role("link", name="Access requests").click()
    page.get_by_role("link", name=f"Review the request of {name}").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"The request of {name} was approved.")).to_be_visible()
    sign_out(page)


def create_credentials(page: Page, smtp_server, email: str, password: str = STRONG_PASSWORD) -> None:
    """From the approval mail: verify a new passcode, create the password, set two questions."""
    approval = smtp_server.wait_for(to=email, subject_contains="approved")
    page.goto(approval.links()[0])
    expect(page.get_by_role("heading", name="Verify Your Identity")).to_be_visible()
    code = smtp_server.wait_for(to=email, subject_contains="passcode", after=1).passcode()
    enter_passcode(page, code, button="Verify")
    expect(page.get_by_role("heading", name="Create Password")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm Password").fill(password)
    page.get_by_role("button", name="Next").click()
    set_questions(page)


def set_questions(page: Page) -> None:
    expect(page.get_by_role("heading", name="Security Questions")).to_be_visible()
    page.get_by_label("Security question 1").select_option(label="What was the name of your first pet?")
    page.get_by_label("Answer 1").fill("Biscuit")
    page.get_by_label("Security question 2").select_option(label="What was the name of your first school?")
    page.get_by_label("Answer 2").fill("Lincoln Elementary")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Your account is ready.")).to_be_visible()


def new_active_user(page: Page, smtp_server, prefix: str, name: str) -> str:
    """A brand-new approved user with STRONG_PASSWORD (so stories never change demo passwords)."""
    email = new_email(prefix)
    fill_details(page, email, name=name)
    enter_passcode(page, smtp_server.wait_for(to=email, subject_contains="passcode").passcode())
    page.locator("#terms-text").evaluate("box => box.scrollTo(0, box.scrollHeight)")
    page.get_by_role("button", name="Accept").click()
    find_sunrise_and_submit(page)
    approve_as_administrator(page, name)
    create_credentials(page, smtp_server, email)
    return email
