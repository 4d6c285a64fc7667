"""Steps for stories that open cases: done through the UI, finding controls by visible names."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PATIENT, MEMBER_ID = "Avery Quinlan", "W555000111"


def us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def fill_claim(page: Page, subject: str) -> None:
    today = date.today()
    expect(page.get_by_role("heading", name="New Claim Case")).to_be_visible()
    expect(page.get_by_label("Payer ID")).to_have_value("NYSPARCS")
    expect(page.get_by_label("ECT Number")).to_be_disabled()
    expect(page.get_by_text("Do not use")).to_be_visible()
    page.get_by_label("Contact Email").fill("sam.rivera@sunrise.example")
    page.get_by_label("NPI").fill("1987654328")
    page.get_by_label("Action").select_option("Payment question")
    page.get_by_label("Patient Name").fill(PATIENT)
    page.get_by_label("Member ID").fill(MEMBER_ID)
    page.get_by_label("Date of Service").fill(f"{us(today - timedelta(days=40))} - {us(today - timedelta(days=38))}")
    page.get_by_label("Billed Amount").fill("1,275.40")
    page.get_by_label("Date Submitted").fill(us(today - timedelta(days=30)))
    page.get_by_label("Patient Account Number").fill("PA-20931")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Description").fill("The remittance shows 80.00 paid; the contract rate is 125.00.")
    page.get_by_role("button", name="Save").click()


def created_number(page: Page) -> str:
    notice = page.get_by_role("status").filter(has_text="was created")
    expect(notice).to_contain_text("Its status is New and it is with Claims Inquiry")
    number = re.search(r"Case (\d+) was created", notice.inner_text()).group(1)
    expect(page.get_by_role("heading", name=f"Case {number}")).to_be_visible()
    return number
