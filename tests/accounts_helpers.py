"""Helpers for account tests: read the mail the app wrote as .eml files (no mail server in tests)."""
from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from webapp.extensions import db

DETAILS = {
    "full_name": "Nora Quinn",
    "office_address": "1200 Sunrise Boulevard, Suite 300, Hartford, CT 06103",
    "mobile_phone": "860.555.0199",
    "email": "Nora.Quinn@Example.com",
    "position": "Billing Specialist",
}
NEW_PASSWORD = "Kestrel#Harbor42"


def mails(app, to: str) -> list[email.message.EmailMessage]:
    folder = Path(app.config["MAIL_FILE_DIR"])
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to.lower() in str(message["To"]).lower():
            found.append(message)
    return found


def last_mail(app, to: str) -> email.message.EmailMessage:
    found = mails(app, to)
    assert found, f"no mail to {to}"
    return found[-1]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def passcode_in(message) -> str:
    return re.search(r"\b(\d{6})\b", body(message)).group(1)


def link_in(message) -> str:
    """The path of the first link in the mail (tests use the client, not the public URL)."""
    url = re.search(r"https?://\S+", body(message)).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


SUNRISE_PROOF = {"npi": "1234567893", "proof": "tin", "tax_id": "000123456",
                 "provider_email": "office@sunrise.example"}


def register_until_submitted(app, client, details=None, *, tax_id="000123456", tab="group",
                             provider_name="Sunrise Family Medical Group", registering_as="behalf",
                             role="staff", proof=None):
    """Walk steps 1-6 through the app (the identity proof: Sunrise's by default); return the
    response after Submit, followed (the thank-you page, or Create Password for access at once)."""
    details = details or DETAILS
    response = client.post("/register", data=details)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    code = passcode_in(last_mail(app, details["email"]))
    assert client.post("/register/verify", data={"passcode": code}).status_code == 303
    assert client.post("/register/terms", data={"read_terms": "y"}).status_code == 303
    page = client.get(f"/register/provider?tab={tab}&tax_id={tax_id}&search=1").get_data(as_text=True)
    match = re.search(r'value="(\d+)"[^>]*> <label for="provider-\d+">' + re.escape(provider_name), page)
    assert match, page
    response = client.post(f"/register/provider?tab={tab}&tax_id={tax_id}&search=1",
                           data={"pick-provider_id": match.group(1), "pick-registering_as": registering_as,
                                 "pick-role": role})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    response = client.post("/register/identity", data=proof or SUNRISE_PROOF)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    response = client.post("/register/submit", follow_redirects=True)
    assert response.status_code == 200
    return response


def commit():
    db.session.commit()
