"""Fixtures: a real app on a real SQLite file built by the migrations, a client, a CLI runner.

The schema is migrated once per session into a template file; each test gets a fresh copy of it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webapp import create_app
from webapp.extensions import db

DEMO_PASSWORD = "Demo!Pass2026"


def make_config(root: Path, database: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "INSTANCE_DIR": str(root),
        "INDEX_DIR": str(root / "index"),
        "UPLOAD_DIR": str(root / "uploads"),
        "MAIL_FILE_DIR": str(root / "mail"),
        "MAIL_SERVER": "",
        "WTF_CSRF_ENABLED": False,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        # Users made by tests have taken no training; tests/training turns the gate on.
        "TRAINING_REQUIRED": False,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An SQLite file with the full schema, built by running the migrations from empty."""
    from flask_migrate import upgrade

    root = tmp_path_factory.mktemp("template")
    database = root / "template.sqlite3"
    app = create_app(make_config(root, database))
    with app.app_context():
        upgrade()
        db.engine.dispose()  # closes the last connection: the WAL is folded into the file
    return database


@pytest.fixture
def app_config(tmp_path, migrated_database) -> dict:
    database = tmp_path / "app.sqlite3"
    shutil.copyfile(migrated_database, database)
    return make_config(tmp_path, database)


@pytest.fixture
def app(app_config):
    """The app with no context pushed: each test-client request gets its own app context and `g`,
    as in production. Tests that touch the database directly use `with app.app_context():` or
    the `app_ctx` fixture (for tests that make no requests)."""
    app = create_app(app_config)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo organizations, users and queues, created through the seeding service."""
    from webapp.blueprints.demo.services import seed_demo

    with app.app_context():
        seed_demo(DEMO_PASSWORD)
    return app


def sign_in(client, login: str, password: str = DEMO_PASSWORD, follow_redirects: bool = False):
    return client.post("/sign-in", data={"login": login, "password": password},
                       follow_redirects=follow_redirects)


@pytest.fixture
def signed_in(client, demo):
    """Sign `client` in as a demo user: signed_in("staff@sunrise.example")."""
    def _sign_in(login: str, password: str = DEMO_PASSWORD):
        response = sign_in(client, login, password)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client
    return _sign_in
