"""Links remembered per process (webapp/urls.py) are exactly Flask's own."""
from __future__ import annotations

from flask import url_for

from webapp.urls import remembered_url_for


def test_remembered_links_are_flasks_links(app):
    remembered = remembered_url_for(app)
    calls = [("main.home", {}), ("cases.view", {"number": "120620261040"}),
             ("cases.search", {"view": "mine", "page": 2, "sort": "date"}),
             ("static", {"filename": "css/site.css"}), ("messages.thread", {"thread_id": 7})]
    with app.test_request_context("/"):
        for endpoint, values in calls:
            first, again = remembered(endpoint, **values), remembered(endpoint, **values)
            assert first == again == url_for(endpoint, **values)
        assert "?v=" in remembered("static", filename="css/site.css")  # the fingerprint is kept
        # Not remembered, built by Flask every time: external links and anchors.
        assert remembered("main.home", _external=True) == url_for("main.home", _external=True)
        assert remembered("main.home", _anchor="top").endswith("/#top")


def test_the_script_root_is_part_of_the_link(app):
    remembered = remembered_url_for(app)
    with app.test_request_context("/"):
        plain = remembered("main.home")
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/portal"}):
        assert remembered("main.home") == "/portal/" != plain


def test_templates_use_it(app):
    with app.app_context():
        assert app.jinja_env.globals["url_for"].__qualname__.startswith("remembered_url_for")
