"""As a new office user, I register, my administrator approves me, I create my credentials and sign in."""
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
    page.get_by_label("On behalf of the provider").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Submit your request")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Local Office Administrator of Sunrise Family Medical Group")).to_be_visible()


def approve_as_administrator(page: Page, name: str) -> None:
    sign_in(page, "loa@sunrise.example")
    page.get_by_role("link", name="Access requests").click()
    page.get_by_role("link", name=f"Review the request of {name}").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(f"The request of {name} was approved.")).to_be_visible()
    sign_out(page)


def test_new_user_registers_is_approved_and_signs_in(page, smtp_server):
    email = new_email("nora")
    fill_details(page, email)
    enter_passcode(page, smtp_server.wait_for(to=email, subject_contains="passcode").passcode())

    expect(page.get_by_role("heading", name="Terms and Conditions")).to_be_visible()
    accept = page.get_by_role("button", name="Accept")
    expect(accept).to_be_disabled()
    page.locator("#terms-text").evaluate("box => box.scrollTo(0, box.scrollHeight)")
    expect(accept).to_be_enabled()
    accept.click()

    find_sunrise_and_submit(page)
    approve_as_administrator(page, "Nora Quinn")

    approval = smtp_server.wait_for(to=email, subject_contains="approved")
    page.goto(approval.links()[0])
    expect(page.get_by_role("heading", name="Verify Your Identity")).to_be_visible()
    code = smtp_server.wait_for(to=email, subject_contains="passcode", after=1).passcode()
    enter_passcode(page, code, button="Verify")

    expect(page.get_by_role("heading", name="Create Password")).to_be_visible()
    page.get_by_label("Password", exact=True).fill("password1")
    page.get_by_label("Confirm Password").fill("password1")
    page.get_by_role("button", name="Next").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("At least one symbol")
    expect(summary).to_contain_text("At least one uppercase letter (A-Z)")
    expect(summary).to_contain_text("Not a common or easily guessed password")
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.get_by_label("Confirm Password").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Security Questions")).to_be_visible()
    page.get_by_label("Security question 1").select_option(label="What was the name of your first pet?")
    page.get_by_label("Answer 1").fill("Biscuit")
    page.get_by_label("Security question 2").select_option(label="What was the name of your first school?")
    page.get_by_label("Answer 2").fill("Lincoln Elementary")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_text("Your account is ready.")).to_be_visible()
    sign_in(page, email, STRONG_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Nora")).to_be_visible()
    expect(page.locator("header")).to_contain_text("Nora Quinn")


def test_wrong_passcode_is_explained_and_resend_sends_a_new_one(page, smtp_server):
    email = new_email("wrongcode")
    fill_details(page, email, name="Omar Diaz")
    first = smtp_server.wait_for(to=email, subject_contains="passcode").passcode()
    wrong = "000000" if first != "000000" else "111111"
    enter_passcode(page, wrong)
    expect(page.get_by_role("alert")).to_contain_text("That passcode is not correct")
    expect(page.get_by_text("4 tries left").first).to_be_visible()

    page.get_by_role("button", name="Didn't receive code? Resend it.").click()
    expect(page.get_by_text("We sent you a new passcode.")).to_be_visible()
    second = smtp_server.wait_for(to=email, subject_contains="passcode", after=1).passcode()
    enter_passcode(page, second)
    expect(page.get_by_role("heading", name="Terms and Conditions")).to_be_visible()


def test_registration_works_with_javascript_disabled(no_js_page, smtp_server):
    page = no_js_page
    email = new_email("nojs")
    fill_details(page, email, name="Priya Shah")
    enter_passcode(page, smtp_server.wait_for(to=email, subject_contains="passcode").passcode())

    expect(page.get_by_role("heading", name="Terms and Conditions")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("alert")).to_contain_text("Read the terms to the end")
    page.get_by_label("I have read the terms").check()
    page.get_by_role("button", name="Accept").click()

    find_sunrise_and_submit(page)
