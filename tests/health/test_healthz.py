"""/healthz: what a load balancer and an operator read (database, search lag, mail queue)."""
from __future__ import annotations

from webapp import create_app
from webapp.extensions import db
from webapp.mailer import queue_mail


def test_healthz_reports_database_search_and_mail(client, app):
    with app.app_context():
        queue_mail("someone@example.com", "Your passcode", "123456")
        db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "ok" and report["database"] == {"reachable": True}
    assert report["mail"]["unsent"] == 1 and 0 <= report["mail"]["oldest_unsent_age_seconds"] < 60  # queued just now
    assert set(report["search"]) >= {"generation", "lag_changes", "lag_seconds"}
    assert "someone@example.com" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path, app_config):
    broken = create_app({**app_config,
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'no.sqlite3'}"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == {"reachable": False}
