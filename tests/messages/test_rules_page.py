"""Admins see the configured rules and load an edited file; a bad file changes nothing."""
from __future__ import annotations

import io
import json

from tests.conftest import DEMO_PASSWORD
from webapp.blueprints.messages import services


def admin_client(app, client):
    """The demo's admin@plan.example (seeded by the `demo` fixture)."""
    assert client.post("/sign-in", data={"login": "admin@plan.example", "password": DEMO_PASSWORD}).status_code == 303
    return client


def upload(client, content: bytes):
    return client.post("/message-center/rules", content_type="multipart/form-data",
                       data={"rules_file": (io.BytesIO(content), "rules.json")})


def test_admin_loads_an_edited_rules_file_and_a_bad_one_changes_nothing(demo, app, client):
    admin_client(app, client)
    page = client.get("/message-center/rules").get_data(as_text=True)
    assert "Claim denial - requested documents" in page and "866-350-2168" in page
    rules = json.loads(client.get("/message-center/rules.json").data)
    rules["categories"][0]["subcategories"][0]["queue"] = "provider-customer-service"
    assert upload(client, json.dumps(rules).encode()).status_code == 303
    with app.app_context():
        assert services.subcategory_by_slugs("claims", "claim-question").queue.slug == "provider-customer-service"
    response = upload(client, b"{not json")
    assert response.status_code == 422 and "Nothing changed" in response.get_data(as_text=True)
    rules["categories"][0]["subcategories"][0]["requires"] = ["shoe size"]
    response = upload(client, json.dumps(rules).encode())
    assert response.status_code == 422 and "unknown required field(s) shoe size" in response.get_data(as_text=True)
    with app.app_context():
        assert services.requirements(services.subcategory_by_slugs("claims", "claim-question")) == ["claim"]


def test_the_rules_page_is_404_for_agents_and_provider_users(signed_in):
    client = signed_in("agent@plan.example")
    assert client.get("/message-center/rules").status_code == 404
    assert client.get("/message-center/rules.json").status_code == 404


def test_admins_message_center_tab_title_is_plain_text_and_the_rules_link_is_on_the_page(demo, app, client):
    admin_client(app, client)
    page = client.get("/message-center").get_data(as_text=True)
    assert "<title>Message Center · ProviderDesk</title>" in page
    assert page.count('href="/message-center/rules"') == 1
