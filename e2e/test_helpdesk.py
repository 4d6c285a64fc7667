"""As office staff I see on Home what waits for me, answer it, and see the plan's reply arrive on the
open page; I rate the answer. As agents we see news in the inbox and its badge, and are warned when
another agent answered the same thread first. A help article answers a question before it is sent.
The last story is done with JavaScript off."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import E2E_LIVE_POLL_SECONDS
from e2e.helpers import sign_in

LIVE_WAIT = E2E_LIVE_POLL_SECONDS * 1000 + 10_000  # the page asks every 2 s here (LIVE_POLL_SECONDS)


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="America/New_York")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def second_no_js_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-US",
                                  timezone_id="America/New_York")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def waiting_case_from_home(page: Page) -> str:
    """Open the first case of "Cases waiting for your office" on Home; return its number."""
    page.get_by_role("link", name="Home").click()
    section = page.get_by_role("region", name=re.compile("Cases waiting for your office"))
    link = section.get_by_role("link", name=re.compile(r"^Case \d+"))
    number = link.first.inner_text().split()[1]
    link.first.click()
    expect(page.get_by_role("heading", name=f"Case {number}")).to_be_visible()
    return number


def test_home_answer_inbox_badge_live_reply_resolve_and_rate(page: Page, second_page: Page):
    provider, agent = page, second_page
    sign_in(provider, "staff@sunrise.example")
    expect(provider.get_by_role("heading", name="What needs you")).to_be_visible()
    number = waiting_case_from_home(provider)
    expect(provider.locator("#item-status")).to_have_text("Pending Provider Response")
    provider.get_by_role("link", name="Comment", exact=True).click()
    provider.get_by_label("Comment", exact=True).fill("The operative report is attached to the claim now.")
    provider.get_by_role("button", name="Save").click()
    expect(provider.get_by_text("Your comment was saved.")).to_be_visible()

    sign_in(agent, "agent@plan.example")
    inbox_link = agent.get_by_role("link", name=re.compile(r"^Inbox \d+ with news"))
    expect(inbox_link).to_be_visible()
    inbox_link.click()
    row = agent.get_by_role("row").filter(has=agent.get_by_role("link", name=number))
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=number).click()
    agent.get_by_role("link", name="Comment", exact=True).click()
    agent.get_by_label("Comment", exact=True).fill("Thank you. We reprocessed the claim with the report.")
    agent.get_by_role("button", name="Save").click()
    expect(agent.get_by_text("Your comment was saved.")).to_be_visible()

    # the provider's open page shows the reply without a reload
    provider.evaluate("window.stillTheSamePage = true")
    expect(provider.locator("#case-comments")).to_contain_text("We reprocessed the claim", timeout=LIVE_WAIT)
    expect(provider.locator("#live-news")).to_have_text("New comment from Alex Morgan.")
    assert provider.evaluate("window.stillTheSamePage") is True

    agent.get_by_role("link", name="Case details").click()
    agent.get_by_label("Status", exact=True).select_option("Resolved")
    agent.get_by_role("button", name="Update Status").click()
    expect(agent.get_by_text("Status changed to Resolved.")).to_be_visible()

    expect(provider.locator("#item-status")).to_have_text("Resolved", timeout=LIVE_WAIT)
    provider.get_by_role("link", name="Case details").click()
    provider.get_by_role("radio", name="5 - Very satisfied").check()
    provider.get_by_label("Comment (optional)").fill("Fast and clear.")
    provider.get_by_role("button", name="Send Rating").click()
    expect(provider.get_by_text("Thank you: you rated this 5 of 5.")).to_be_visible()
    expect(provider.get_by_role("heading", name="Rate the answer")).to_have_count(0)


def start_general_question(page: Page, subject: str, body: str) -> str:
    page.goto("/messages/new")
    page.get_by_label("Category", exact=True).select_option("General question")
    page.get_by_label("Sub-category").select_option("General question")
    page.get_by_label("Subject").fill(subject)
    page.get_by_role("textbox", name="Message", exact=True).fill(body)
    page.get_by_role("button", name="Send Message").click()
    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    return page.url


@pytest.fixture
def third_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="America/New_York")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_two_agents_on_one_thread_see_each_other_and_get_a_warning(page: Page, second_page: Page,
                                                                  third_page: Page):
    sign_in(page, "staff@sunrise.example")
    url = start_general_question(page, "Who signs the W-9 update?", "Our office moved; who signs the W-9?")
    first, second = third_page, second_page
    sign_in(first, "agent@plan.example")
    first.goto(url)
    sign_in(second, "admin@plan.example")
    second.goto(url)
    expect(second.locator("#presence")).to_contain_text("Also here: Alex Morgan")
    expect(first.locator("#presence")).to_contain_text("Also here: Casey Adams", timeout=LIVE_WAIT)

    first.get_by_role("textbox", name="Reply", exact=True).fill("Any officer of the group may sign it.")
    second.get_by_role("textbox", name="Reply", exact=True).fill("The practice owner signs it.")
    second.get_by_role("button", name="Send", exact=True).click()
    expect(second.get_by_text("Your reply was sent.")).to_be_visible()
    first.get_by_role("button", name="Send", exact=True).click()
    warning = first.get_by_role("alert")
    expect(warning).to_contain_text("A newer message arrived while you were typing")
    expect(warning).to_contain_text("The practice owner signs it.")
    expect(first.get_by_role("textbox", name="Reply", exact=True)).to_have_value("Any officer of the group may sign it.")
    first.get_by_role("button", name="Send", exact=True).click()  # read it; send anyway
    expect(first.get_by_text("Your reply was sent.")).to_be_visible()


def test_a_help_article_answers_a_new_message_and_the_draft_closes(page: Page):
    sign_in(page, "staff@sunrise.example")
    page.goto("/messages/new")
    page.get_by_label("Category", exact=True).select_option("Grievance and Appeal")
    page.get_by_label("Subject").press_sequentially("expedited appeal fax", delay=20)
    suggestion = page.locator(".similar-articles")
    expect(suggestion).to_contain_text("Expedited appeals go by fax", timeout=10_000)
    expect(suggestion.get_by_role("link", name="Still need help")).to_be_visible()
    suggestion.get_by_role("button", name=re.compile("This answered my question: Expedited appeals")).click()
    expect(page.get_by_text("Your draft was closed and nothing was sent.")).to_be_visible()
    expect(page.get_by_role("heading", name="What needs you")).to_be_visible()
    page.get_by_role("link", name="My Messages").click()
    expect(page.get_by_text("expedited appeal fax")).to_have_count(0)


def test_without_javascript_check_for_new_messages_and_rate(no_js_page: Page, second_no_js_page: Page):
    provider, agent = no_js_page, second_no_js_page
    sign_in(provider, "loa@sunrise.example")
    number = waiting_case_from_home(provider)
    provider.get_by_role("link", name="Comment", exact=True).click()
    provider.get_by_label("Comment", exact=True).fill("Sent without JavaScript: the invoice is attached.")
    provider.get_by_role("button", name="Save").click()

    sign_in(agent, "agent@plan.example")
    agent.get_by_role("link", name=re.compile(r"^Inbox")).click()
    agent.get_by_role("link", name=number).click()
    agent.get_by_role("link", name="Comment", exact=True).click()
    agent.get_by_label("Comment", exact=True).fill("Received; the claim is paid.")
    agent.get_by_role("button", name="Save").click()
    agent.get_by_role("link", name="Case details").click()
    agent.get_by_label("Status", exact=True).select_option("Resolved")
    agent.get_by_role("button", name="Update Status").click()

    provider.get_by_role("link", name="Check for new messages").click()
    expect(provider.locator("#case-comments")).to_contain_text("Received; the claim is paid.")
    expect(provider.locator("#item-status")).to_have_text("Resolved")
    provider.get_by_role("link", name="Case details").click()
    provider.get_by_role("radio", name="4 - Satisfied").check()
    provider.get_by_role("button", name="Send Rating").click()
    expect(provider.get_by_text("Thank you: you rated this 4 of 5.")).to_be_visible()
