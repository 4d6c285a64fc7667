"""As office staff I look up a claim, read every tab, open its Remittance Advice and download the 835;
I check a member's eligibility; I reconcile payments and compare an 835 I received (and a broken one);
I ask about a denied line. The first story runs with JavaScript off."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in

# In data/demo: Sunrise claim with line 2 denied CO-97/M15, paid by check 918499; member C10000030
# (PCP Sunrise, so Member Info may be shown).
CLAIM = "2610000127"
CHECK = "918499"
MEMBER = "C10000030"


def find_claim(page: Page, number: str) -> None:
    page.get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Claim #").fill(number)
    page.get_by_role("button", name="Find Claims").click()


def test_claim_search_tabs_remittance_advice_and_835_without_javascript(no_js_page: Page, tmp_path):
    page = no_js_page
    sign_in(page, "staff@sunrise.example")
    find_claim(page, CLAIM)
    row = page.get_by_role("row").filter(has_text=CLAIM)
    expect(row).to_contain_text(MEMBER)
    expect(row).to_contain_text(CHECK)
    expect(row.get_by_role("link", name="RA")).to_be_visible()
    row.get_by_role("link", name=CLAIM).click()

    expect(page.get_by_role("heading", name=f"Claim {CLAIM}")).to_be_visible()
    for header in ("CIN", "Date paid", "Date of service", "Check #", "Date received"):
        expect(page.locator("dt", has_text=header).first).to_be_visible()
    tabs = page.get_by_role("navigation", name="Claim details")
    expect(page.get_by_role("heading", name="Services")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Billed Quantity")).to_be_visible()
    tabs.get_by_role("link", name="Member Info").click()
    expect(page.get_by_role("heading", name="Member Information")).to_be_visible()
    expect(page.get_by_role("heading", name="Contact Information")).to_be_visible()
    expect(page.get_by_text(MEMBER).first).to_be_visible()
    tabs.get_by_role("link", name="Providers").click()
    expect(page.get_by_role("heading", name="Payment Provider")).to_be_visible()
    expect(page.get_by_role("heading", name="Service Provider")).to_be_visible()
    tabs.get_by_role("link", name="Diagnosis").click()
    expect(page.get_by_role("columnheader", name="Code(s)")).to_be_visible()
    tabs.get_by_role("link", name="EOB").click()
    expect(page.get_by_role("columnheader", name="Disallowed Amount")).to_be_visible()
    expect(page.get_by_text("The benefit for this service is included in the payment/allowance").first).to_be_visible()

    page.get_by_role("link", name=f"RA, Remittance Advice of check {CHECK}").click()
    expect(page.get_by_role("heading", name="Remittance Advice")).to_be_visible()
    expect(page.get_by_role("link", name=CLAIM)).to_be_visible()
    expect(page.get_by_role("heading", name="Payment totals")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download 835").click()
    download = download_info.value
    assert download.suggested_filename == f"835-{CHECK}.edi"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_text()
    assert text.startswith("ISA*") and f"TRN*1*{CHECK}*" in text and f"*{CLAIM}~" in text


def test_eligibility_check_is_answered_kept_and_printable(page: Page):
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Eligibility", exact=True).click()
    expect(page.get_by_role("heading", name="Eligibility and Benefits")).to_be_visible()
    page.get_by_label("Member ID (also called CIN)").fill(MEMBER)
    page.get_by_label("Date of Service").fill("2026-11-02")
    page.get_by_role("button", name="Check Eligibility").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(page.get_by_text("Active on that date")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Deductible")).to_be_visible()
    history = page.get_by_role("table").filter(has_text="Checked")
    expect(history.get_by_role("row").filter(has_text=MEMBER)).to_have_count(1)
    page.get_by_role("link", name="Printable result").click()
    expect(page.get_by_role("heading", name="Eligibility Result")).to_be_visible()
    expect(page.get_by_text("This is the answer given then.")).to_be_visible()


def test_reconciliation_with_an_uploaded_835_and_a_malformed_one(page: Page, tmp_path):
    sign_in(page, "staff@sunrise.example")
    # The office has the 835 of a payment: downloaded from its Remittance Advice.
    find_claim(page, CLAIM)
    page.get_by_role("row").filter(has_text=CLAIM).get_by_role("link", name="RA").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download 835").click()
    good = tmp_path / "good.835"
    download_info.value.save_as(good)

    page.get_by_role("link", name="Payments", exact=True).click()
    expect(page.get_by_role("heading", name="Payment Reconciliation")).to_be_visible()
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("button", name="Show Payments").click()
    expect(page.get_by_role("heading", name="Totals")).to_be_visible(timeout=20_000)  # a slow page on a busy machine
    expect(page.get_by_text(f"Check {CHECK}").first).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=CLAIM)).to_contain_text("Partially paid")
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()

    page.get_by_label("835 file").set_input_files(str(good))
    page.get_by_role("button", name="Compare 835").click()
    expect(page.get_by_role("heading", name=re.compile(f"Payment {CHECK}"))).to_be_visible()
    compared = page.get_by_role("table", name=f"Claims of payment {CHECK} in the uploaded 835")
    expect(compared.get_by_role("row").filter(has_text=CLAIM)).to_contain_text("Matches our claim")

    broken = tmp_path / "broken.835"
    broken.write_text(good.read_text().replace("CLP*", "CLP*X*", 1))
    page.get_by_label("835 file").set_input_files(str(broken))
    page.get_by_role("button", name="Compare 835").click()
    expect(page.get_by_role("alert")).to_contain_text("The 835 file could not be read. It failed at CLP")


def test_a_denied_line_asks_a_prefilled_question(page: Page):
    sign_in(page, "staff@sunrise.example")
    find_claim(page, CLAIM)
    page.get_by_role("link", name=CLAIM).click()
    page.get_by_role("navigation", name="Claim details").get_by_role("link", name="EOB").click()
    expect(page.get_by_role("columnheader", name="EOB Description")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Ask a Question about CO-97")).click()
    expect(page.get_by_label("Claim #")).to_have_value(CLAIM)
    expect(page.get_by_label("Subject")).to_have_value(f"Question about claim {CLAIM}, code CO-97")
    expect(page.get_by_role("textbox", name="Message", exact=True)).to_contain_text("was adjusted with code CO-97")
