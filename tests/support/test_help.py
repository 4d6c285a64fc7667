"""The Help page: contacts from data/help.json, for everyone, linked from every page."""
import json

import pytest

from webapp.blueprints.support.services import help_contents


def test_anyone_sees_support_hours_phones_what_to_have_ready_and_incident_contacts(client):
    page = client.get("/help").get_data(as_text=True)
    data = help_contents()
    for contact in data["contacts"]:
        assert contact["name"] in page and contact["hours"] in page and contact["phones"][0] in page
    assert "Monday to Friday, 8 a.m. to 5 p.m. Eastern" in page and "8 a.m. to 7 p.m. Eastern" in page
    assert "Your User ID" in page and "PFI / Tax ID" in page
    assert data["incidents"]["privacy_officer_email"] in page and data["incidents"]["hotline_phone"] in page
    assert 'href="/sign-in"' in page


def test_signed_in_staff_get_links_to_the_guides_and_every_page_links_help(signed_in):
    client = signed_in("staff@sunrise.example")
    page = client.get("/help").get_data(as_text=True)
    assert 'href="/messages/guide"' in page and 'href="/referrals"' in page and 'href="/provider-profile"' in page
    assert page.count('href="/help"') >= 2  # header and footer
    assert 'href="/help"' in client.get("/").get_data(as_text=True)


def test_a_help_file_missing_a_section_is_refused(tmp_path):
    broken = tmp_path / "help.json"
    broken.write_text(json.dumps({"contacts": []}))
    with pytest.raises(ValueError, match="lacks have_ready, incidents"):
        help_contents(broken)
