"""As a keyboard user (no mouse), I start registering, sign in, create a case and send a message
with Tab, Shift+Tab, Enter and Space (and typing), and I can always see where the focus is."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.account_steps import new_email
from e2e.helpers import DEMO_PASSWORD

# The focused element: its visible name (label, text or button value) and whether the focus shows.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels.length ? el.labels[0].innerText : el.getAttribute('aria-label');
  const name = (label || el.innerText || el.value || '').replace(/\\s+/g, ' ').trim();
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), name: name,
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none',
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
  };
}"""


def tab_to(page: Page, name: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (Shift+Tab) until the control named `name` has the focus; every control the focus
    passes must show a focus ring and be on screen."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        for _ in range(5):  # the focus style is applied with the next frame
            if focused["ring"]:
                break
            page.wait_for_timeout(100)
            focused = page.evaluate(FOCUSED)
        assert focused["ring"], f"no visible focus on <{focused['tag']}> {focused['name']!r}"
        assert focused["shown"], f"focused <{focused['tag']}> {focused['name']!r} is off screen"
        if focused["name"] == name or focused["name"].startswith(name + " "):
            return
        passed.append(focused["name"])
    raise AssertionError(f"{key} never reached {name!r}; the focus went through {passed}")


def type_into(page: Page, name: str, text: str, *, backwards: bool = False) -> None:
    tab_to(page, name, backwards=backwards)
    page.keyboard.type(text)


def test_register_sign_in_create_a_case_and_send_a_message_with_the_keyboard_only(page: Page):
    # Register, step 1
    page.goto("/sign-in")
    tab_to(page, "Register as a new user")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Register", exact=True)).to_be_visible()
    tab_to(page, "Continue with registration")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Register as a new user")).to_be_visible()
    type_into(page, "Full name", "Kira Lane")
    type_into(page, "Provider's full address", "1200 Sunrise Boulevard, Hartford, CT 06103")
    type_into(page, "Mobile number", "860-555-0177")
    type_into(page, "Email address", new_email("keyboard"))
    type_into(page, "Position", "Billing Specialist")
    tab_to(page, "Next")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Verify Your Identity")).to_be_visible()

    # Sign in: the password first, then back to the login with Shift+Tab
    page.goto("/sign-in")
    type_into(page, "Password", DEMO_PASSWORD)
    type_into(page, "Email or User ID", "staff@sunrise.example", backwards=True)
    tab_to(page, "Sign In")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Sign Out")).to_be_visible()

    # Create a case
    tab_to(page, "Create Case")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Create Case")).to_be_visible()
    tab_to(page, "Select the type of case")
    page.keyboard.type("General")  # a closed list picks the option whose name is typed
    expect(page.get_by_role("heading", name="General Question")).to_be_visible()
    type_into(page, "Subject", "Keyboard-only remittance question")
    type_into(page, "Description", "Which remittance format do you send for secondary claims?")
    tab_to(page, "Save")
    page.keyboard.press("Enter")
    notice = page.get_by_role("status").filter(has_text="was created")
    expect(notice).to_be_visible()
    number = re.search(r"Case (\d+) was created", notice.inner_text()).group(1)

    # Send a message
    tab_to(page, "My Messages")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My Messages")).to_be_visible()
    tab_to(page, "New Message")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New Message")).to_be_visible()
    tab_to(page, "Category")
    page.keyboard.type("General")
    expect(page.get_by_label("Sub-category").locator("option", has_text="General question")).to_have_count(1)
    tab_to(page, "Sub-category")
    page.keyboard.type("General")
    type_into(page, "Subject", f"Question about case {number}")
    type_into(page, "Message", "Is a separate appeal needed for the secondary claim?")
    tab_to(page, "Send Message")
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name=f"Question about case {number}")).to_be_visible()
    expect(page.get_by_text("was sent to")).to_be_visible()
