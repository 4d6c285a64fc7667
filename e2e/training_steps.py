"""Taking the annual training through the UI (answers read from the shipped module)."""
import json
from pathlib import Path

from playwright.sync_api import Page, expect

MODULES = json.loads((Path(__file__).resolve().parent.parent / "data" / "training.json").read_text())


def read_pages_and_pass(page: Page, role: str = "staff", wrong_first: bool = False) -> None:
    """From the training overview: read every page, then answer the quiz (once wrongly if asked)."""
    module = MODULES[role]
    page.get_by_role("link", name="Start the training").click()
    for number, training_page in enumerate(module["pages"], 1):
        expect(page.get_by_role("heading", name=training_page["heading"])).to_be_visible()
        if number < len(module["pages"]):
            page.get_by_role("link", name="Next page").click()
    page.get_by_role("link", name="Take the quiz").click()
    if wrong_first:
        for question in module["quiz"]:
            wrong = question["choices"][(question["answer"] + 1) % len(question["choices"])]
            page.get_by_role("group", name=question["question"]).get_by_label(wrong, exact=True).check()
        page.get_by_role("button", name="Submit answers").click()
        expect(page.get_by_role("alert")).to_contain_text("You have not passed yet")
    for question in module["quiz"]:
        right = question["choices"][question["answer"]]
        page.get_by_role("group", name=question["question"]).get_by_label(right, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("You passed the training with 100%")).to_be_visible()
