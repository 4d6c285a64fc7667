"""As office staff I open a Claim case, find it, comment and attach a file; the plan's agent works it
and replies; I see the reply and get an e-mail that says only that there is one. Also without JS."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.case_steps import MEMBER_ID, PATIENT, PDF, created_number, fill_claim
from e2e.helpers import sign_in, sign_out

def case_row(page: Page, number: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))


def test_claim_case_from_creation_to_agent_reply(page: Page, smtp_server):
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Create Case").click()
    page.get_by_label("Select the type of case").select_option("Claim")  # the form swaps in place
    fill_claim(page, "Office visit paid below contract rate")
    number = created_number(page)
    expect(page.get_by_text("Payment question")).to_be_visible()
    expect(page.get_by_text("$1,275.40")).to_be_visible()

    page.get_by_role("link", name="Search and Comment").click()
    page.get_by_role("button", name="My Cases").click()
    expect(case_row(page, number)).to_contain_text("Office visit paid below")
    expect(case_row(page, number)).to_contain_text("New")
    expect(case_row(page, number)).to_contain_text("Claims Inquiry")

    page.get_by_role("button", name="Case Number").click()
    page.get_by_label("Case Number").fill(number)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#case-table tbody tr")).to_have_count(1)
    row = case_row(page, number)
    row.get_by_role("button", name="Action").click()
    row.get_by_role("link", name="Comment").click()

    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Comment").fill("We attached the remittance advice.")
    page.get_by_role("button", name="Save").click()
    comments = page.locator("table.comments")
    expect(comments).to_contain_text("We attached the remittance advice.")
    expect(comments).to_contain_text("Sam Rivera")
    expect(page.get_by_text("Your comment was saved.")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True  # no page reload

    page.get_by_role("link", name="Attach").click()
    expect(page.get_by_text("Up to 5 files, 25 MB each.")).to_be_visible()
    page.get_by_label("Upload Files").set_input_files(
        [{"name": "remittance.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Attached: remittance.pdf.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("remittance.pdf"))).to_contain_text("Sam Rivera")
    sign_out(page)

    # The agent finds it in Claims Inquiry, takes it, replies and asks the office for more.
    mails_before = smtp_server.count("staff@sunrise.example", "A case has a new comment")
    sign_in(page, "agent@plan.example")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name="Claims Inquiry").click()
    expect(page.get_by_role("heading", name="Claims Inquiry")).to_be_visible()
    case_row(page, number).get_by_role("link", name=number).click()
    expect(page.get_by_text("remittance.pdf")).to_be_visible()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_text("The case is assigned to you.")).to_be_visible()
    page.get_by_role("link", name="Comment", exact=True).click()
    page.get_by_label("Comment").fill("Thanks. Please send the signed contract page.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table.comments")).to_contain_text("Please send the signed contract page.")
    page.get_by_role("link", name="Case details").click()
    page.get_by_label("Status").select_option("Pending Provider Response")
    page.get_by_role("button", name="Update Status").click()
    expect(page.get_by_text("Status changed to Pending Provider Response.")).to_be_visible()
    sign_out(page)

    # The office sees the reply; the e-mail says only that there is one, with a link.
    mail = smtp_server.wait_for(to="staff@sunrise.example", subject_contains="A case has a new comment",
                                after=mails_before)
    for phi in (PATIENT, MEMBER_ID, "1,275.40", "PA-20931", "contract", "below contract"):
        assert phi not in mail.subject and phi not in mail.body
    [link] = mail.links()
    assert link.endswith(f"/cases/{number}")
    sign_in(page, "staff@sunrise.example")
    page.goto(link)
    expect(page.locator(".case-status")).to_have_text("Pending Provider Response")
    expect(page.locator("table.comments")).to_contain_text("Please send the signed contract page.")
    expect(page.locator("table.comments")).to_contain_text("Alex Morgan")


def test_create_and_comment_without_javascript(no_js_page: Page):
    page = no_js_page
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Create Case").click()
    page.get_by_label("Select the type of case").select_option("Claim")
    page.get_by_role("button", name="Continue").click()
    fill_claim(page, "Second claim case, no JavaScript")
    number = created_number(page)

    page.get_by_role("link", name="Search and Comment").click()
    expect(page.get_by_text(re.compile(r"Showing 1–25 of \d+ cases"))).to_be_visible()
    page.get_by_role("link", name="Next page").click()  # a plain link without JavaScript
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    page.get_by_role("button", name="My Cases").click()
    row = case_row(page, number)
    row.get_by_role("button", name="Action").click()
    row.get_by_role("link", name="Comment").click()
    page.get_by_label("Comment").fill("Sent from a browser without JavaScript.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your comment was saved.")).to_be_visible()
    expect(page.locator("table.comments")).to_contain_text("Sent from a browser without JavaScript.")


def test_harbor_cannot_open_a_sunrise_case(page: Page, live_server):
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="Search and Comment").click()
    number = page.locator("#case-table tbody tr td a").first.inner_text()
    sign_out(page)
    sign_in(page, "staff@harbor.example")
    response = page.goto(f"/cases/{number}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
