"""As office staff, I look at My Profile, change my password with an emailed code, and manage My Collections."""
from playwright.sync_api import expect

from e2e.account_steps import STRONG_PASSWORD, new_active_user, prove_identity
from e2e.helpers import sign_in, sign_out
from e2e.training_steps import read_pages_and_pass


def test_profile_change_password_with_emailed_code(page, smtp_server):
    email = new_active_user(page, smtp_server, "profile", "Tess Nolan")
    sign_in(page, email, STRONG_PASSWORD)
    page.locator("header").get_by_role("link", name="Tess Nolan").click()
    expect(page.get_by_role("heading", name="My Profile")).to_be_visible()
    expect(page.get_by_text(email, exact=True)).to_be_visible()
    page.get_by_text("Show Details").click()
    expect(page.get_by_text("User ID")).to_be_visible()

    page.get_by_role("link", name="Edit Info").click()
    page.get_by_label("Mobile number").fill("203 555 0111")
    page.get_by_label("Position").fill("Front Desk Lead")
    page.get_by_label("Provider's full address").fill("1200 Sunrise Boulevard, Hartford, CT 06103")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your demographic information has been updated.")).to_be_visible()
    expect(page.get_by_text("Front Desk Lead")).to_be_visible()
    expect(page.get_by_text("(203) 555-0111")).to_be_visible()

    before = len([m for m in smtp_server.to(email) if "passcode" in m.subject])
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("heading", name="Verify Your Identity")).to_be_visible()
    code = smtp_server.wait_for(to=email, subject_contains="passcode", after=before).passcode()
    page.get_by_label("Verification Code").fill(code)
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.get_by_role("heading", name="Change Password")).to_be_visible()
    page.get_by_label("New Password").fill(STRONG_PASSWORD)
    page.get_by_label("Confirm Password").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot reuse")
    page.get_by_label("New Password").fill("Harbor#Light2027")
    page.get_by_label("Confirm Password").fill("Harbor#Light2027")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your password has been updated.")).to_be_visible()
    sign_out(page)
    sign_in(page, email, "Harbor#Light2027")
    read_pages_and_pass(page, "staff")  # asking for more access waits for the training, like the rest

    page.locator("header").get_by_role("link", name="Tess Nolan").click()
    page.get_by_role("link", name="My Collections").click()
    expect(page.get_by_role("row", name="Sunrise Family Medical Group")).to_contain_text("Active")
    page.get_by_role("link", name="I need additional access").click()
    page.get_by_role("tab", name="Practitioner Search").click()
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Lopez")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Maria Lopez, MD").check()
    page.get_by_label("Staff", exact=True).check()
    page.get_by_label("On behalf of the provider").check()
    page.get_by_role("button", name="Next").click()
    prove_identity(page, npi="1987654328", proof="Tax ID (group)", fields={"Tax ID (TIN)": "000123456"},
                   provider_email="mlopez@sunrise.example")
    expect(page.get_by_text("shows as Pending")).to_be_visible()
    expect(page.get_by_role("row", name="Maria Lopez, MD")).to_contain_text("Pending")
