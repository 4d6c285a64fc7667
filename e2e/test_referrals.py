"""As office staff I submit a referral across the six sections, my connection drops halfway and I
resume the draft; a Utilization Management agent decides it; I see the decision. Without JavaScript
I find referrals by date and status, read their tabs, get help and ask about a practice change."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in, sign_out

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office_today():
    return datetime.now(ZoneInfo("America/New_York")).date()


def start_referral_through_section_three(page: Page) -> None:
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Submit a Referral").click()
    # 1 About the Referral
    page.get_by_label("Medical").check()
    page.get_by_label("Name or Member ID").fill("C10000001")
    page.get_by_role("button", name="Find Member").click()
    expect(page.get_by_label(re.compile(r"Rosa Quinn, Member ID C10000001"))).to_be_checked()
    page.get_by_role("button", name="Next").click()
    # 2 Referring Provider: only the office's own
    expect(page.get_by_role("heading", name="Section 2: Referring Provider Info")).to_be_visible()
    expect(page.get_by_label("Sunrise Family Medical Group")).to_be_checked()
    page.get_by_role("button", name="Next").click()
    # 3 Referred To Provider: contracted, accepting the member; far away marked
    page.get_by_label("Provider name, provider ID or specialty").fill("cardiovascular disease")
    page.get_by_role("button", name="Search for Provider").click()
    far_row = page.get_by_role("row").filter(has_text="Fairfield County Cardiology")
    expect(far_row.get_by_text("Far away")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Yale Pediatric")).to_have_count(0)  # adults only
    page.get_by_label("Capitol Cardiology Associates").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Section 4: Medical Info")).to_be_visible()


def test_referral_submitted_with_a_resumed_draft_decided_by_utilization_management(browser, live_server, page, tmp_path):
    # The first connection gets as far as choosing a service in section 4, then drops.
    first = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="America/New_York")
    first.set_default_timeout(10_000)
    dropped = first.new_page()
    sign_in(dropped, "staff@sunrise.example")
    start_referral_through_section_three(dropped)
    dropped.get_by_label("Service (CPT)").select_option("93306")  # htmx saves the draft on change
    expect(dropped.get_by_label("Units")).to_be_visible()
    dropped.wait_for_load_state("networkidle")
    first.close()

    # Back on another connection: the draft resumes at section 4 with the service kept.
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Submit a Referral").click()
    page.get_by_role("link", name=re.compile(r"Resume draft for Rosa Quinn")).first.click()
    expect(page.get_by_role("heading", name="Section 4: Medical Info")).to_be_visible()
    expect(page.get_by_label("Service (CPT)")).to_have_value("93306")
    # 4 Medical Info: Routine, today's Request Date, services, ICD codes, indications.
    expect(page.get_by_label("Request Date")).to_have_value(office_today().isoformat())
    page.get_by_label("Routine").check()
    page.get_by_label("Units").fill("2")
    page.get_by_label("Date of Service").fill((office_today() + timedelta(days=7)).isoformat())
    page.get_by_label("Place of Service").select_option(label="Office")
    page.get_by_label("Find an ICD Code").fill("palpitations")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_label("ICD Code", exact=True).select_option("R00.2")
    page.get_by_role("button", name="+ Add ICD Code").click()
    expect(page.get_by_text("R00.2 Palpitations")).to_be_visible()
    page.get_by_label("Clinical Indications").fill("Palpitations for three weeks; ECG shows PVCs.")
    page.get_by_role("button", name="Next").click()
    # 5 Clinical Attachments
    pdf = tmp_path / "ecg-report.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Clinical Attachments").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload Files").click()
    expect(page.get_by_role("link", name="ecg-report.pdf")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    # 6 Review, then submit
    expect(page.get_by_role("heading", name="Section 6: Review")).to_be_visible()
    expect(page.get_by_text("Capitol Cardiology Associates (CT-300411)")).to_be_visible()
    page.get_by_role("button", name="Submit Referral").click()
    expect(page.get_by_text(re.compile(r"Referral RF\d{8} was submitted to Utilization Management"))).to_be_visible()
    code = re.search(r"RF\d{8}", page.get_by_role("heading", level=1).inner_text()).group(0)
    sign_out(page)

    # The Utilization Management agent modifies the units, with a reason.
    sign_in(page, "um@plan.example")
    page.get_by_role("link", name="Utilization Management").click()
    page.get_by_role("link", name=code).click()
    page.get_by_label("Decision for CPT 93306").select_option(label="Modify units")
    page.get_by_label("Approved Units for CPT 93306").fill("1")
    page.get_by_label("Decision Description for CPT 93306").fill("One echocardiogram first; request more with results.")
    page.get_by_role("button", name="Save Decision").click()
    expect(page.get_by_text(f"Referral {code} is Modified.")).to_be_visible()
    sign_out(page)

    # The office finds it by Referral Code and sees the decision.
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Referral Code").click()
    page.get_by_label("Referral Code").fill(code)
    page.get_by_role("button", name="Find Referrals").click()
    row = page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text("Modified")
    expect(row).to_contain_text("Rosa Quinn")
    row.get_by_role("link", name=code).click()
    services = page.get_by_role("row").filter(has_text="93306")
    expect(services).to_contain_text("One echocardiogram first; request more with results.")
    expect(services).to_contain_text("Modified")
    expect(page.get_by_text("Valid through")).to_be_visible()
    page.get_by_role("link", name="Attachments").click()
    expect(page.get_by_role("link", name="ecg-report.pdf")).to_be_visible()


def test_without_javascript_find_referrals_read_tabs_get_help_and_ask_about_a_practice_change(no_js_page: Page):
    page = no_js_page
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_label("From").fill((office_today() - timedelta(days=90)).isoformat())
    page.get_by_label("To").fill(office_today().isoformat())
    page.get_by_label("Type of Date").select_option(label="Request Date")
    expect(page.get_by_label("Status")).to_have_value("")  # All Statuses (5)
    page.get_by_label("Status").select_option(label="Denied")
    page.get_by_role("button", name="Find Referrals").click()
    rows = page.get_by_role("row").filter(has_text="Connecticut Sleep Medicine")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Denied")
    rows.get_by_role("link").click()
    expect(page.get_by_text("not medically necessary")).to_be_visible()
    page.get_by_role("link", name="Diagnosis").click()
    expect(page.get_by_role("cell", name="Obstructive sleep apnea (adult) (pediatric)")).to_be_visible()
    page.get_by_role("link", name="Providers").click()
    expect(page.get_by_role("heading", name="Referred To Provider")).to_be_visible()

    # A new referral's first section works without JavaScript too.
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Submit a Referral").click()
    page.get_by_label("Behavioral Health").check()
    page.get_by_label("Name or Member ID").fill("Quinn")
    page.get_by_role("button", name="Find Member").click()
    page.get_by_label(re.compile(r"^Rosa Quinn, Member ID C10000001")).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Section 2: Referring Provider Info")).to_be_visible()

    # Help, then the Provider Profile's Ask a Question.
    page.get_by_role("link", name="Help", exact=True).click()
    expect(page.get_by_text("Monday to Friday, 8 a.m. to 5 p.m. Eastern")).to_be_visible()
    expect(page.get_by_text("Every day, 8 a.m. to 7 p.m. Eastern")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Provider Profile: ")).click()
    page.get_by_role("link", name="Sunrise Family Medical Group").click()
    expect(page.get_by_text("Open, accepting new patients")).to_be_visible()
    page.get_by_role("link", name="Ask a Question").click()
    expect(page.get_by_label("Category", exact=True)).to_have_value("provider-profile-change")
    expect(page.get_by_label("Sub-category")).to_have_value("practice-change")
