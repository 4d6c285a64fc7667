"""Provider Profile pages for the providers of the user's collection, with Ask a Question routed
as the EmblemHealth table routes practice changes (Provider Customer Service)."""
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import MessageThread, Provider


def provider_id(app, npi):
    with app.app_context():
        return db.session.scalar(select(Provider.id).where(Provider.npi == npi))


def test_profile_shows_address_phones_specialties_and_panel_status(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    listing = client.get("/provider-profile").get_data(as_text=True)
    assert "Sunrise Family Medical Group" in listing and "Harbor Pediatrics" not in listing
    page = client.get(f"/provider-profile/{provider_id(demo, '1234567893')}").get_data(as_text=True)
    assert "1200 Sunrise Boulevard, Suite 300, Hartford, CT 06103" in page
    assert "(860) 555-0142" in page and "(860) 555-0144" in page  # phone and fax
    assert "Family Medicine, Internal Medicine" in page and "Open, accepting new patients" in page


def test_another_organizations_provider_is_not_found(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    assert client.get(f"/provider-profile/{provider_id(demo, '1555555550')}").status_code == 404
    assert client.get("/provider-profile/99999999999999999999999").status_code == 404


def test_agents_have_no_provider_profile(signed_in, demo):
    assert signed_in("agent@plan.example").get("/provider-profile").status_code == 404


def test_ask_a_question_opens_a_practice_change_message_to_provider_customer_service(signed_in, demo):
    client = signed_in("staff@sunrise.example")
    sunrise = provider_id(demo, "1234567893")
    page = client.get(f"/provider-profile/{sunrise}").get_data(as_text=True)
    link = f"/messages/new?provider={sunrise}&amp;category=provider-profile-change&amp;subcategory=practice-change"
    assert link in page and ">Ask a Question</a>" in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'value="practice-change" selected' in form or '<option selected value="practice-change">' in form
    response = client.post("/messages/new", data={
        "provider": sunrise, "category": "provider-profile-change", "subcategory": "practice-change",
        "subject": "New fax number", "body": "Our fax is now (860) 555-0199."})
    assert response.status_code == 303
    with demo.app_context():
        thread = db.session.scalar(select(MessageThread).where(MessageThread.subject == "New fax number"))
        assert thread.queue.name == "Provider Customer Service" and thread.provider_id == sunrise
