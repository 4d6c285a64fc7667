"""As office staff I submit a claim with two service lines: it is rejected for a bad rendering NPI and a
date of service in the future, I correct both, it is accepted with a claim number and I find it in Claims
search (JavaScript off). With JavaScript on, my draft is saved as I type and I resume it from My Claims."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in

MEMBER = "C10000002"  # in data/demo: PCP Sunrise, covered since 01/01/2026


def us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def fill_line(page: Page, number: int, **values: str) -> None:
    line = page.get_by_role("group", name=f"Service Line {number}")
    for label, value in values.items():
        line.get_by_label(label, exact=True).fill(value)


def start_claim(page: Page) -> None:
    page.get_by_role("link", name="Submit a Claim").click()
    expect(page.get_by_role("heading", name="My Claims")).to_be_visible()
    page.get_by_role("button", name="Submit a Claim").click()
    expect(page.get_by_role("heading", name="Submit a Claim")).to_be_visible()


def test_rejected_claim_corrected_accepted_and_found_without_javascript(no_js_page: Page):
    page = no_js_page
    today = date.today()
    sign_in(page, "staff@sunrise.example")
    start_claim(page)
    expect(page.get_by_text("A claim that fails one or more checks.")).to_be_visible()
    page.get_by_label("Rendering Provider NPI").fill("1987654321")
    page.get_by_label("Member ID").fill(MEMBER)
    page.get_by_label("Patient Account Number").fill("SUN-4471")
    page.get_by_label("Diagnosis 1", exact=True).fill("E11.9")
    page.get_by_label("Diagnosis 2", exact=True).fill("I10")
    fill_line(page, 1, **{"Date of Service From": us(today - timedelta(days=3)), "Place of Service": "11",
                          "CPT/HCPCS": "99213", "Modifier 1": "25", "Units": "1", "Charge": "125.00",
                          "Diagnosis Pointer": "1,2"})
    fill_line(page, 2, **{"Date of Service From": us(today + timedelta(days=3)), "Place of Service": "11",
                          "CPT/HCPCS": "83036", "Units": "1", "Charge": "40.00", "Diagnosis Pointer": "1"})
    page.get_by_role("button", name="Check and Submit Claim").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("This claim is rejected")
    expect(summary).to_contain_text("Rendering Provider NPI 1987654321 is not a valid NPI")
    expect(summary).to_contain_text(f"Line 2, Date of Service From: Date of Service From {us(today + timedelta(days=3))} is in the future")
    expect(page.get_by_label("Member ID")).to_have_value(MEMBER)
    expect(page.get_by_role("group", name="Service Line 1").get_by_label("Charge")).to_have_value("125.00")

    page.get_by_label("Rendering Provider NPI").fill("1987654328")
    fill_line(page, 2, **{"Date of Service From": us(today - timedelta(days=3))})
    page.get_by_role("button", name="Check and Submit Claim").click()
    heading = page.get_by_role("heading", name=re.compile(r"Claim \d+ accepted"))
    expect(heading).to_be_visible()
    number = re.search(r"\d+", heading.inner_text()).group(0)
    expect(page.get_by_role("status")).to_contain_text("In Progress")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download 837P").click()
    assert download_info.value.suggested_filename == f"837P-{number}.edi"

    page.get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Claim #").fill(number)
    page.get_by_role("button", name="Find Claims").click()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("In Progress")
    expect(row).to_contain_text(MEMBER)


def test_draft_saved_as_i_type_and_resumed_from_my_claims(page: Page):
    sign_in(page, "staff@sunrise.example")
    start_claim(page)
    page.get_by_label("Member ID").fill(MEMBER)
    page.get_by_label("Diagnosis 1", exact=True).fill("J02.0")
    page.get_by_label("Diagnosis 1", exact=True).blur()
    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible()
    page.get_by_role("link", name="Submit a Claim").click()
    row = page.get_by_role("row").filter(has_text=MEMBER).filter(has_text="Draft").first
    row.get_by_role("link", name=re.compile("Resume claim")).click()
    expect(page.get_by_label("Diagnosis 1", exact=True)).to_have_value("J02.0")
    expect(page.get_by_label("Member ID")).to_have_value(MEMBER)
