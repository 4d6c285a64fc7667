"""As office staff I find our cases from the header search box; as an agent I find a message by a
word from its body; another organization finds nothing of ours."""
from playwright.sync_api import Page, expect

from e2e.case_steps import created_number, fill_claim
from e2e.helpers import sign_in, sign_out

SUBJECT = "Zephyrine modifier bundling"


def create_case(page: Page, subject: str) -> str:
    page.get_by_role("link", name="Create Case").click()
    page.get_by_label("Select the type of case").select_option("Claim")
    fill_claim(page, subject)
    return created_number(page)


def test_staff_sees_a_new_case_suggested_opens_results_and_filters_by_status(page: Page):
    sign_in(page, "staff@sunrise.example")
    number = create_case(page, SUBJECT)

    box = page.get_by_label("Search cases and messages")
    box.press_sequentially("zephyrine", delay=30)
    suggestions = page.locator("#site-search-suggestions")
    expect(suggestions.get_by_role("link", name=SUBJECT)).to_be_visible()

    box.press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=SUBJECT)).to_be_visible()
    expect(page.get_by_text(f"Case {number}")).to_be_visible()

    page.get_by_role("button", name="New (1)").click()
    expect(page.get_by_role("status").filter(has_text="1 result")).to_be_visible()
    expect(page.get_by_role("button", name="Remove filter New")).to_be_visible()
    page.get_by_role("link", name=SUBJECT).click()
    expect(page.get_by_role("heading", name=f"Case {number}")).to_be_visible()
    sign_out(page)

    # Harbor's staff: not in suggestions, results or counts.
    sign_in(page, "staff@harbor.example")
    box = page.get_by_label("Search cases and messages")
    box.press_sequentially("zephyrine", delay=30)
    expect(page.locator("#site-search-suggestions")).to_contain_text("No matches")
    box.press("Enter")
    expect(page.get_by_text("0 results for")).to_be_visible()
    expect(page.get_by_role("link", name=SUBJECT)).to_have_count(0)


def test_similar_open_cases_are_suggested_while_typing_a_subject(page: Page):
    sign_in(page, "staff@sunrise.example")
    create_case(page, "Quillfeather anesthesia units question")
    page.get_by_role("link", name="Create Case").click()
    page.get_by_label("Select the type of case").select_option("Claim")
    page.get_by_label("Subject").press_sequentially("quillfeather", delay=30)
    similar = page.locator("#similar-records")
    expect(similar).to_contain_text("Similar open cases")
    expect(similar.get_by_role("link", name="Quillfeather anesthesia units question")).to_be_visible()


def test_an_agent_finds_a_message_by_a_word_from_its_body(page: Page):
    sign_in(page, "staff@sunrise.example")
    page.get_by_role("link", name="My Messages").click()
    page.get_by_role("link", name="New Message").first.click()
    page.get_by_label("Category", exact=True).select_option(label="General question")
    page.get_by_label("Sub-category", exact=True).select_option(label="General question")
    page.get_by_label("Subject").fill("Remittance address")
    page.get_by_role("textbox", name="Message", exact=True).fill(
        "Where should paper remittances go? Our old lockbox was Marigoldvale.")
    page.get_by_role("button", name="Send Message").click()
    expect(page.get_by_role("heading", name="Remittance address")).to_be_visible()
    sign_out(page)

    sign_in(page, "agent@plan.example")
    box = page.get_by_label("Search cases and messages")
    box.fill("marigoldvale")
    box.press("Enter")
    expect(page.get_by_role("link", name="Remittance address")).to_be_visible()
    expect(page.get_by_text("1 result for")).to_be_visible()


def test_the_results_page_works_with_javascript_off(no_js_page: Page):
    sign_in(no_js_page, "agent@plan.example")
    no_js_page.get_by_label("Search cases and messages").fill('"unbalanced -')
    no_js_page.get_by_role("button", name="Go").click()
    expect(no_js_page.get_by_text("0 results for")).to_be_visible()
    no_js_page.get_by_label("Search cases and messages").fill("demo")
    no_js_page.get_by_role("button", name="Search", exact=True).click()
    expect(no_js_page.get_by_role("link", name="Next page")).to_have_count(0)  # buttons, not links
    expect(no_js_page.get_by_role("status").filter(has_text="results for")).to_be_visible()
