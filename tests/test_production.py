"""Production settings and the JSON request log (/healthz: tests/health)."""
from __future__ import annotations

import json
import logging

import pytest

from config import ConfigError, load_settings
from webapp import create_app
from webapp.extensions import db
from webapp.requestlog import JsonFormatter


def test_production_requires_secret_key_and_secures_cookies(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({"PROVIDERDESK_ENV": "production", "INSTANCE_DIR": str(tmp_path)})
    settings = load_settings({"PROVIDERDESK_ENV": "production", "SECRET_KEY": "k" * 40,
                              "INSTANCE_DIR": str(tmp_path)})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["LOG_FORMAT"] == "json"
    assert load_settings({"INSTANCE_DIR": str(tmp_path)})["LOG_FORMAT"] == "text"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_settings({"INSTANCE_DIR": str(tmp_path), "LOG_FORMAT": "xml"})


@pytest.fixture
def production_app(app_config):
    app = create_app({**app_config, "IS_PRODUCTION": True, "ENV_NAME": "production",
                      "SESSION_COOKIE_SECURE": True, "LOG_FORMAT": "json"})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_sends_hsts_and_refuses_demo_data(production_app):
    response = production_app.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    result = production_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refuses to run in production" in result.output


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_one_json_line_per_request_without_request_data(production_app, caplog):
    client = production_app.test_client()
    with caplog.at_level(logging.INFO, logger="webapp.request"):
        response = client.post("/sign-in?member=ABC123456",
                               data={"login": "pat@example.com", "password": "Secret!Member99"},
                               headers={"X-Request-ID": "lb-0123456789abcdef"})
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "webapp.request"]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["request_id"] == "lb-0123456789abcdef" == response.headers["X-Request-ID"]
    assert entry["method"] == "POST" and entry["endpoint"] == "auth.sign_in"
    assert entry["status"] == response.status_code and entry["duration_ms"] > 0
    for secret in ("ABC123456", "pat@example.com", "Secret!Member99", "/sign-in"):
        assert secret not in lines[0]


def test_request_id_is_made_when_the_header_is_unusable(production_app, caplog):
    client = production_app.test_client()
    with caplog.at_level(logging.INFO, logger="webapp.request"):
        response = client.get("/sign-in", headers={"X-Request-ID": "<script>"})
    made = response.headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    assert json.loads(JsonFormatter().format(caplog.records[-1]))["request_id"] == made
