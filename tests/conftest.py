"""Fixtures: a real app on a real SQLite file built by the migrations, a client, a CLI runner.

The schema is migrated once per session into a template file; each test gets a fresh copy of it.
Tests that use `demo` get a copy of a second template instead: the migrated database with the demo
seeded and indexed once per session, with its index and upload folders. Tests hash passwords with
a cheap method (TEST_PASSWORD_HASH); the app's default stays scrypt.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webapp import create_app
from webapp.extensions import db

DEMO_PASSWORD = "Demo!Pass2026"
# scrypt costs ~70 ms a password on purpose; tests hash thousands. Never allowed in production.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"
# What a seeded template holds besides its database, copied with it.
TEMPLATE_FOLDERS = ("index", "uploads", "mail")


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
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, migrated_database) -> Path:
    """A folder with the migrated database seeded with the demo (app.sqlite3) and its search index
    and uploads, built once per session (per xdist worker) through the seeding service."""
    from webapp.blueprints.demo.services import seed_demo
    from webapp.search import get_service

    root = tmp_path_factory.mktemp("demo-template")
    database = root / "app.sqlite3"
    shutil.copyfile(migrated_database, database)
    app = create_app(make_config(root, database, SEARCH_LIVE_UPDATES=False))
    with app.app_context():
        seed_demo(DEMO_PASSWORD)
        get_service().reindex(procs=1)  # the index holds the demo; nothing is left pending
        db.session.remove()
        db.engine.dispose()
    return root


@pytest.fixture
def app_config(request, tmp_path, migrated_database) -> dict:
    """A fresh database for the test: a copy of the demo template when the test uses `demo`
    (directly or through another fixture), else of the empty migrated one."""
    database = tmp_path / "app.sqlite3"
    if "demo" not in request.fixturenames:
        shutil.copyfile(migrated_database, database)
        return make_config(tmp_path, database)
    template = request.getfixturevalue("demo_template")
    shutil.copyfile(template / "app.sqlite3", database)
    for folder in TEMPLATE_FOLDERS:
        if (template / folder).is_dir():
            shutil.copytree(template / folder, tmp_path / folder, symlinks=True)
    return make_config(tmp_path, database, TEST_DEMO_COPIED=True)


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
    """The demo organizations, users, queues, cases and messages, created through the seeding
    service: normally copied from `demo_template` by `app_config`; seeded here only when the
    fixture was requested too late for that (request.getfixturevalue)."""
    from webapp.blueprints.demo.services import seed_demo

    if not app.config.get("TEST_DEMO_COPIED"):
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
