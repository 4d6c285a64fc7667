"""As office staff I ask the plan about a claim, read the answer, escalate it as a Grievance and send
more documents; as agents we answer from our queues. Another organization cannot open the thread."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import sign_in, sign_out

CLAIM = "2610000001"  # first Sunrise claim in data/demo/claims.csv
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_files(tmp_path, names):
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(PDF)
        paths.append(str(path))
    return paths


def unread_messages(page: Page) -> int:
    """The count on the signed-in user's My Messages link (0 when it shows none). Earlier stories on
    the same server may have left replies unread, so the story counts from what it finds."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^My Messages"))
    found = re.search(r"(\d+) unread", link.text_content() or "")
    return int(found.group(1)) if found else 0


def my_messages_link(page: Page, unread: int):
    name = f"My Messages {unread} unread" if unread else "My Messages"
    return page.get_by_role("link", name=name, exact=True)


def open_demo_claim(page: Page) -> None:
    page.get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("Claim #").fill(CLAIM)
    page.get_by_role("button", name="Find Claims").click()
    page.get_by_role("link", name=CLAIM).click()
    expect(page.get_by_role("heading", name=f"Claim {CLAIM}")).to_be_visible()


def test_claim_question_answered_escalated_as_grievance_and_documents_followed_up(page, smtp_server, tmp_path):
    # Staff looks up the claim and asks a question with a PDF.
    sign_in(page, "staff@sunrise.example")
    unread_before = unread_messages(page)
    open_demo_claim(page)
    page.get_by_role("link", name="Ask a Question").click()
    expect(page.get_by_label("Claim #")).to_have_value(CLAIM)
    expect(page.get_by_label("Sub-category")).to_have_value("claim-question")
    page.get_by_label("Subject").fill("Underpaid office visit")
    page.get_by_role("textbox", name="Message", exact=True).fill("The allowed amount looks lower than our contract.")
    page.get_by_label("Attachments").set_input_files(pdf_files(tmp_path, ["contract-page.pdf"]))
    page.get_by_role("button", name="Send Message").click()
    expect(page.get_by_role("heading", name="Underpaid office visit")).to_be_visible()
    expect(page.get_by_text("was sent to Claims Inquiry")).to_be_visible()
    expect(page.get_by_role("link", name="contract-page.pdf")).to_be_visible()
    question_url = page.url
    sign_out(page)

    # The agent answers from Claims Inquiry; the office gets a notice with a link only.
    mails_before = smtp_server.count("staff@sunrise.example", "You have a new message")
    sign_in(page, "agent@plan.example")
    page.get_by_role("link", name="Message Center").click()
    page.get_by_role("link", name="Claims Inquiry").click()
    page.get_by_role("link", name="Underpaid office visit").click()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_text("The message is assigned to you.")).to_be_visible()
    page.get_by_role("textbox", name="Reply", exact=True).fill("We paid the 2026 fee schedule amount for this code.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your reply was sent.")).to_be_visible()
    sign_out(page)
    mail = smtp_server.wait_for(to="staff@sunrise.example", subject_contains="You have a new message",
                                after=mails_before)
    assert mail.links() == [question_url.replace("localhost", "127.0.0.1")] or question_url in mail.links()
    assert CLAIM not in mail.body and "fee schedule" not in mail.body

    # Staff sees the unread mark, reads it, and asks for review as a Grievance.
    sign_in(page, "staff@sunrise.example")
    my_messages = my_messages_link(page, unread_before + 1)
    expect(my_messages).to_be_visible()
    my_messages.click()
    row = page.get_by_role("row").filter(has_text="Underpaid office visit")
    expect(row).to_contain_text("Unread")
    row.get_by_role("link", name="Underpaid office visit").click()
    expect(page.get_by_text("We paid the 2026 fee schedule amount")).to_be_visible()
    expect(my_messages_link(page, unread_before)).to_be_visible()  # this reply is no longer unread
    page.get_by_label("Why do you still disagree?").fill("Our contract sets a higher rate for this code.")
    page.get_by_label("Contact name").fill("Sam Rivera")
    page.get_by_label("Contact phone").fill("860-555-0142")
    page.get_by_role("button", name="Request review as a Grievance").click()
    expect(page.get_by_role("heading", name="Grievance: Underpaid office visit")).to_be_visible()
    expect(page.get_by_text("The decision will be final.").first).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(CLAIM)
    grievance_url = page.url
    sign_out(page)

    # The appeals agent sees it in Grievance and Appeals with its due date and replies.
    sign_in(page, "appeals@plan.example")
    page.get_by_role("link", name="Message Center").click()
    page.get_by_role("link", name="Grievance and Appeals").click()
    row = page.get_by_role("row").filter(has_text="Grievance: Underpaid office visit")
    expect(row.get_by_role("cell").first).to_have_text(re.compile(r"\d\d/\d\d/\d{4}"))
    row.get_by_role("link", name="Grievance: Underpaid office visit").click()
    expect(page.get_by_text("Due by")).to_be_visible()
    page.get_by_role("textbox", name="Reply", exact=True).fill("We opened a review. Please send the contract pages.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your reply was sent.")).to_be_visible()
    sign_out(page)

    # A follow-up adds five documents.
    sign_in(page, "staff@sunrise.example")
    page.goto(grievance_url)
    expect(page.get_by_text("We opened a review.")).to_be_visible()
    page.get_by_label("Follow-up message").fill("Here are the contract pages.")
    names = [f"contract-{n}.pdf" for n in range(1, 6)]
    page.get_by_label("Documents").set_input_files(pdf_files(tmp_path, names))
    page.get_by_role("button", name="Send Follow-up").click()
    expect(page.get_by_text("Your follow-up was sent.")).to_be_visible()
    for name in names:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    sign_out(page)

    # Harbor's staff cannot open the thread by its URL.
    sign_in(page, "staff@harbor.example")
    page.goto(grievance_url)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(question_url)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_the_guide_page_routes_each_situation(page):
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="My Messages").click()
    page.get_by_role("link", name="What do you want to submit?").click()
    guide = page.url

    def follow(link_name: str):
        page.goto(guide)
        page.get_by_role("main").get_by_role("link", name=link_name, exact=True).click()

    for link_name, category, sub in [
        ("Send a Provider Profile change", "provider-profile-change", "practice-change"),
        ("Send preauthorization documents", "preauthorization-documents", "supporting-documents"),
        ("send a Grievance and Appeal, Post-service message", "grievance-and-appeal", "post-service"),
        ("Pre-service appeal", "grievance-and-appeal", "pre-service"),
        ("Post-service appeal", "grievance-and-appeal", "post-service"),
        ("Send a general question", "general-question", "general-question"),
    ]:
        follow(link_name)
        expect(page.get_by_role("heading", name="New Message")).to_be_visible()
        expect(page.get_by_label("Category", exact=True)).to_have_value(category)
        expect(page.get_by_label("Sub-category")).to_have_value(sub)
    for link_name, heading in [("Find the claim", "Claims"), ("Find the denied claim", "Claims"),
                               ("Ask a Question on the claim", "Claims"), ("Find the member", "Members"),
                               ("Find the message in My Messages", "My Messages")]:
        follow(link_name)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    follow("fax it to the expedited appeal lines")
    expect(page.get_by_text("866-350-2168")).to_be_visible()
    expect(page.get_by_text("800-867-6674")).to_be_visible()


def test_the_sub_category_list_follows_the_category_with_htmx(page):
    sign_in(page, "staff@sunrise.example")
    page.goto("/messages/new")
    page.get_by_label("Category", exact=True).select_option(label="Grievance and Appeal")
    expect(page.get_by_label("Sub-category").locator("option", has_text="Post-service")).to_have_count(1)
    page.get_by_label("Category", exact=True).select_option(label="Claims")
    expect(page.get_by_label("Sub-category").locator("option", has_text="Claim denial - requested documents")).to_have_count(1)
    expect(page.get_by_label("Sub-category").locator("option", has_text="Post-service")).to_have_count(0)


def test_without_javascript_an_appeal_is_sent_in_two_steps_and_expedited_shows_the_fax_lines(no_js_page):
    page = no_js_page
    sign_in(page, "loa@harbor.example")
    page.get_by_role("link", name="My Messages").click()
    page.get_by_role("link", name="New Message").click()
    page.get_by_label("Subject").fill("Appeal of denied visit")
    page.get_by_label("Category", exact=True).select_option(label="Grievance and Appeal")
    page.get_by_role("button", name="Show sub-categories").click()
    expect(page.get_by_label("Subject")).to_have_value("Appeal of denied visit")
    page.get_by_label("Sub-category").select_option(label="Expedited appeal")
    page.get_by_role("textbox", name="Message", exact=True).fill("Medical records attached.")
    page.get_by_label("Contact name").fill("Helen Park")
    page.get_by_label("Contact phone").fill("203-555-0187")
    page.get_by_role("button", name="Send Message").click()
    expect(page.get_by_role("alert")).to_contain_text("866-350-2168")
    expect(page.get_by_role("textbox", name="Message", exact=True)).to_have_value("Medical records attached.")
    page.get_by_label("Sub-category").select_option(label="Post-service")
    page.get_by_role("button", name="Send Message").click()
    expect(page.get_by_role("heading", name="Appeal of denied visit")).to_be_visible()
    expect(page.get_by_text("was sent to Grievance and Appeals")).to_be_visible()
    expect(page.get_by_text("Decision due by")).to_be_visible()
