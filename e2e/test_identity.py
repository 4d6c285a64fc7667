"""Proving the provider's identity at registration: as the provider (NPI and the last four of the SSN,
then access at once), and on behalf of the provider (NPI, two recent claims and the provider's email;
the provider approves by the emailed link after confirming their own identity)."""
from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.account_steps import (STRONG_PASSWORD, create_credentials, enter_passcode, fill_details, new_email,
                               prove_identity, set_questions)
from e2e.helpers import sign_in
from e2e.training_steps import read_pages_and_pass

MARIA_NPI = "1987654328"  # Maria Lopez, MD: demo SSN last four 6789 (README), email mlopez@sunrise.example
CLAIMS_CSV = Path(__file__).resolve().parent.parent / "data" / "demo" / "claims.csv"


def two_recent_claims(npi: str) -> list[dict]:
    """The provider's two latest claims served in the last 12 months (from the demo data's file)."""
    today = date.today()
    rows = [row for row in csv.DictReader(CLAIMS_CSV.open(encoding="utf-8"))
            if row["provider_npi"] == npi
            and today - timedelta(days=360) <= date.fromisoformat(row["service_from"]) <= today]
    rows.sort(key=lambda row: row["service_from"], reverse=True)
    assert len(rows) >= 2, "the demo claims are older than 12 months: regenerate data/demo"
    return rows[:2]


def accept_terms_and_find_maria(page: Page, smtp_server, email: str, name: str, registering_as: str) -> None:
    fill_details(page, email, name=name)
    enter_passcode(page, smtp_server.wait_for(to=email, subject_contains="passcode").passcode())
    page.locator("#terms-text").evaluate("box => box.scrollTo(0, box.scrollHeight)")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", name="Identify your provider")).to_be_visible()
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Lopez")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Maria Lopez, MD").check()
    page.get_by_label("Staff", exact=True).check()
    page.get_by_label(registering_as).check()
    page.get_by_role("button", name="Next").click()


def test_registration_as_the_provider_with_ssn_last_four(page, smtp_server):
    email = new_email("asprovider")
    accept_terms_and_find_maria(page, smtp_server, email, "Maria Lopez", "As the provider")
    expect(page.get_by_label("Two recent claims")).to_have_count(0)  # the provider proves with SSN or TIN

    prove_identity(page, npi=MARIA_NPI, proof="Last four digits of the SSN (individual)",
                   fields={"Last four digits of the SSN": "1234"})
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("do not match what we have on file for this provider")
    expect(summary).to_contain_text("4 tries left")
    expect(page.get_by_label("Last four digits of the SSN", exact=True)).to_have_value("")  # never shown back

    prove_identity(page, npi=MARIA_NPI, proof="Last four digits of the SSN (individual)",
                   fields={"Last four digits of the SSN": "6789"})
    expect(page.get_by_role("heading", name="Submit your request")).to_be_visible()
    expect(page.get_by_text("Last four digits of the SSN", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit").click()

    # Access at once: straight on to the credentials, no approval.
    expect(page.get_by_text("your access is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="Create Password")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.get_by_label("Confirm Password").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Next").click()
    set_questions(page)

    sign_in(page, email, STRONG_PASSWORD)
    read_pages_and_pass(page, "staff")
    page.goto("/profile/collections")
    expect(page.get_by_role("row").filter(has_text="Maria Lopez, MD")).to_contain_text("Active")


def test_on_behalf_of_the_provider_with_two_recent_claims_approved_by_the_providers_link(page, smtp_server):
    email = new_email("onbehalf")
    provider_mails = len(smtp_server.to("mlopez@sunrise.example"))
    accept_terms_and_find_maria(page, smtp_server, email, "Olivia Banks", "On behalf of the provider")

    first, second = two_recent_claims(MARIA_NPI)
    claims = {"First claim: claim number": first["claim_number"], "First claim: billed amount": first["billed_amount"],
              "Second claim: claim number": second["claim_number"],
              "Second claim: billed amount": second["billed_amount"]}
    prove_identity(page, npi=MARIA_NPI, proof="Two recent claims", fields=claims,
                   provider_email="mlopez@sunrise.example")
    expect(page.get_by_role("heading", name="Submit your request")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Maria Lopez, MD, by email to the address the health plan has on file")).to_be_visible()

    request_mail = smtp_server.wait_for(to="mlopez@sunrise.example", subject_contains="approve",
                                        after=provider_mails)
    assert first["claim_number"] not in request_mail.body  # no claim details in a mail
    page.goto(request_mail.links()[0])
    expect(page.get_by_role("heading", name="Access request from Olivia Banks")).to_be_visible()
    expect(page.get_by_text("Two recent claims")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the last four digits of your SSN.")
    page.get_by_label("Last four digits of your SSN").fill("6789")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()

    create_credentials(page, smtp_server, email)
    sign_in(page, email, STRONG_PASSWORD)
    expect(page.get_by_role("heading", name="Provider Portal training for Staff")).to_be_visible()
