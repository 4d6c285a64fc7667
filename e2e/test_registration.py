"""As a new office user, I register, my administrator approves me, I create my credentials and sign in;
the portal shows me only the training until I pass it."""
from __future__ import annotations

from playwright.sync_api import expect

from e2e.account_steps import (STRONG_PASSWORD, approve_as_administrator, enter_passcode,
                               fill_details, find_sunrise_and_submit, new_email, set_questions)
from e2e.helpers import sign_in
from e2e.training_steps import read_pages_and_pass

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

    set_questions(page)
    sign_in(page, email, STRONG_PASSWORD)
    # Blocked by training: no navigation, and other pages lead back to it.
    expect(page.get_by_role("heading", name="Provider Portal training for Staff")).to_be_visible()
    expect(page.get_by_text("Complete this training module to use the Provider Portal")).to_be_visible()
    expect(page.get_by_role("link", name="Create Case")).to_have_count(0)
    page.goto("/cases/new")
    expect(page.get_by_role("heading", name="Provider Portal training for Staff")).to_be_visible()
    read_pages_and_pass(page, "staff", wrong_first=True)
    page.get_by_role("link", name="Home").click()
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
