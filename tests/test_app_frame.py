"""The page frame every feature inherits: headers, CSRF, caching, compression, error pages."""
from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import make_config
from webapp import create_app


def test_every_page_has_the_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_session_cookie_is_httponly_and_samesite_lax(client, demo):
    response = client.post("/sign-in", data={"login": "staff@sunrise.example", "password": "Demo!Pass2026"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(tmp_path, migrated_database, monkeypatch):
    monkeypatch.setenv("PROVIDERDESK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    from config import load_settings

    assert load_settings()["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("PROVIDERDESK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from config import load_settings

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_settings()


@pytest.fixture
def csrf_client(tmp_path, migrated_database):
    import shutil

    database = tmp_path / "csrf.sqlite3"
    shutil.copyfile(migrated_database, database)
    app = create_app(make_config(tmp_path, database, WTF_CSRF_ENABLED=True))
    return app.test_client()


def test_a_same_origin_post_without_the_token_shows_the_form_again_filled_in(csrf_client):
    response = csrf_client.post("/sign-in", data={"login": "staff@sunrise.example", "password": "secret"},
                                headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your form expired before it was sent, so nothing was saved" in page
    assert re.search(r'<input[^>]*name="login"[^>]*value="staff@sunrise.example"', page)  # to check and send
    assert "secret" not in page  # passwords are never echoed back
    assert 'name="csrf_token"' in page  # the form carries a fresh token
    assert csrf_client.get("/").status_code == 302  # nothing was sent on the person's behalf


def test_the_referer_counts_when_there_is_no_origin(csrf_client):
    response = csrf_client.post("/sign-in", data={"login": "staff@sunrise.example"},
                                headers={"Referer": "http://localhost/sign-in"})
    assert 'value="staff@sunrise.example"' in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/x"},
    {"Referer": "http://localhost.evil.example/"}, {},
])
def test_a_post_from_elsewhere_gets_the_plain_page_with_nothing_carried_over(csrf_client, headers):
    response = csrf_client.post("/sign-in", data={"login": "victim-typed@example.com"}, headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Your form expired, please try again" in page
    assert "victim-typed@example.com" not in page and "<form method=\"post\" action=\"/sign-in" not in page


def test_a_post_with_the_token_in_the_htmx_header_is_accepted(csrf_client):
    page = csrf_client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = csrf_client.post("/sign-in", data={"login": "nobody@example.com", "password": "x"},
                                headers={"X-CSRFToken": token, "HX-Request": "true"})
    # reached the form: a wrong login, not a CSRF refusal
    assert response.status_code == 422 and "do not match our records" in response.get_data(as_text=True)


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    page = client.get("/sign-in").get_data(as_text=True)
    css_url = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(css_url)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert re.search(r'src="/static/js/htmx\.min\.js\?v=[0-9a-f]{12}" defer', page)


def test_responses_are_compressed(client):
    response = client.get("/sign-in", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    js = client.get("/static/js/htmx.min.js", headers={"Accept-Encoding": "br, gzip"})
    assert js.headers["Content-Encoding"] in {"br", "gzip"}


def test_unknown_page_shows_a_404_page_in_the_frame(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert 'href="#main"' in response.get_data(as_text=True)


def test_every_title_block_is_plain_text(app):
    """The title block fills the browser tab's <title>: markup there shows as text (it once held a link)."""
    titles = {}
    for name in app.jinja_env.loader.list_templates():
        source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
        for match in re.finditer(r"{% block title %}(.*?){% endblock %}", source, re.S):
            titles[name] = match.group(1)
    assert len(titles) > 50 and "messages/center.html" in titles
    assert {name: title for name, title in titles.items() if "<" in title or "\n" in title} == {}


def test_a_body_over_the_upload_limit_gets_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post("/sign-in", data={"login": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_an_error_id_that_is_logged(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR, logger="webapp"):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    error_id = re.search(r'class="error-id">([0-9a-f]{12})<', response.get_data(as_text=True)).group(1)
    assert error_id in caplog.text
