"""Home: who you are, and what is yours to work on (providers for office users, queues for plan staff)."""
from __future__ import annotations


def page(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_office_staff_see_their_providers_and_role(signed_in):
    home = page(signed_in("staff@sunrise.example"))
    assert "Welcome, Sam" in home and "What needs you" in home
    assert "Sunrise Family Medical Group" in home and "1234567893" in home
    assert "Harbor" not in home  # another organization's provider
    assert "<dd>Staff</dd>" in home and "Your queues" not in home


def test_an_agent_sees_the_queues_they_hold_and_no_office_panels(signed_in):
    home = page(signed_in("appeals@plan.example"))
    assert "Welcome, Jordan" in home and "<dd>Support agent</dd>" in home
    assert "Grievance and Appeals" in home and "Claims Inquiry" not in home
    assert "What needs you" not in home and "Open your inbox" in home


def test_a_supervisor_sees_every_queue(signed_in):
    home = page(signed_in("supervisor@plan.example"))
    assert "<dd>Supervisor</dd>" in home
    assert "Grievance and Appeals" in home and "Claims Inquiry" in home and "Provider Services" in home


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
