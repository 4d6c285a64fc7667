"""Fixtures: a real app on a real database built by the migrations, a client, a CLI runner.

The database is an SQLite file, or a PostgreSQL database with TEST_DATABASE=postgresql (see
tests/databases.py). The schema is migrated once per session into a template; each test gets a
fresh copy of it.
Tests that use `demo` get a copy of a second template instead: the migrated database with the demo
seeded and indexed once per session, with its index and upload folders. Tests hash passwords with
a cheap method (TEST_PASSWORD_HASH); the app's default stays scrypt.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
import pytest

from tests.databases import backend_name, open_databases, postgres_admin_url, postgres_unreachable, \
    sqlite_url
from webapp import create_app
from webapp.extensions import db
from webapp.search import get_service

DEMO_PASSWORD = "Demo!Pass2026"
# scrypt costs ~70 ms a password on purpose; tests hash thousands. Never allowed in production.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1"
# What a seeded template holds besides its database, copied with it.
TEMPLATE_FOLDERS = ("index", "uploads", "mail")


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, shared by the apps of one test process: each test makes its own
    app, whose template environment would otherwise parse and compile every template it renders
    again (~20 ms each). Keyed by template name and source checksum, so an edited template is
    compiled afresh; every test app has the same Jinja settings (create_app)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def share_compiled_templates(app):
    """Let `app` reuse the templates other test apps of this process compiled; returns `app`."""
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


def pytest_configure(config):
    """The PostgreSQL run needs a server: without one it is skipped, or fails with CI=true."""
    if backend_name() != "postgresql" or hasattr(config, "workerinput"):
        return
    reason = postgres_unreachable(postgres_admin_url())
    if reason is None:
        return
    where = postgres_admin_url().rsplit("@", 1)[-1]
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.exit(f"PostgreSQL is not reachable at {where} (CI=true: this is a failure): {reason}",
                    returncode=1)
    pytest.exit(f"PostgreSQL is not reachable at {where}: the PostgreSQL run is skipped ({reason})",
                returncode=0)


def pytest_report_header(config):
    return f"database: {backend_name()}"


def make_config(root: Path, database: Path | str, **overrides) -> dict:
    """`database`: an SQLite file, or any SQLAlchemy URL."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database if isinstance(database, str) else sqlite_url(database),
        "INSTANCE_DIR": str(root),
        "INDEX_DIR": str(root / "index"),
        "UPLOAD_DIR": str(root / "uploads"),
        "MAIL_FILE_DIR": str(root / "mail"),
        "MAIL_SERVER": "",
        "WTF_CSRF_ENABLED": False,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
        # Users made by tests have taken no training; tests/training turns the gate on.
        "TRAINING_REQUIRED": False,
    }
    config.update(overrides)
    return config


def _migrate(root: Path, database: Path | str) -> None:
    from flask_migrate import upgrade

    app = create_app(make_config(root, database))
    with app.app_context():
        upgrade()
        db.engine.dispose()  # closes the last connection (SQLite: the WAL is folded into the file)


@pytest.fixture(scope="session")
def databases():
    """Makes and drops the tests' databases on the chosen backend."""
    backend = open_databases()
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An SQLite file with the full schema, built by running the migrations from empty."""
    root = tmp_path_factory.mktemp("template")
    database = root / "template.sqlite3"
    _migrate(root, database)
    return database


@pytest.fixture(scope="session")
def migrated_template(request, databases, tmp_path_factory) -> str:
    """The URL of the empty migrated template on the test backend."""
    if databases.name == "sqlite":
        return sqlite_url(request.getfixturevalue("migrated_database"))
    root = tmp_path_factory.mktemp("template")
    url = databases.create(root, "migrated")
    _migrate(root, url)
    return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, databases, migrated_template) -> tuple[Path, str]:
    """(folder, database URL): the migrated template seeded with the demo, and the folder with its
    search index and uploads; built once per session (per xdist worker) by the seeding service."""
    from webapp.blueprints.demo.services import seed_demo
    from webapp.search import get_service

    root = tmp_path_factory.mktemp("demo-template")
    url = databases.copy(migrated_template, root, "demo")
    app = create_app(make_config(root, url, SEARCH_LIVE_UPDATES=False))
    with app.app_context():
        seed_demo(DEMO_PASSWORD)
        db.session.commit()
        get_service().reindex(procs=1)  # the index holds the demo; nothing is left pending
        db.session.remove()
        db.engine.dispose()
    return root, url


@pytest.fixture
def demo_config(tmp_path, databases, demo_template):
    """The config of a fresh copy of the demo template (database, index, uploads), dropped
    afterwards: for fixtures that make their own app on the demo (tests/training, tests/terms)."""
    template, template_url = demo_template
    url = databases.copy(template_url, tmp_path, "app")
    for folder in TEMPLATE_FOLDERS:
        if (template / folder).is_dir():
            shutil.copytree(template / folder, tmp_path / folder, symlinks=True)
    yield make_config(tmp_path, url, TEST_DEMO_COPIED=True)
    databases.drop(url)


@pytest.fixture
def app_config(request, tmp_path, databases, migrated_template):
    """A fresh database for the test, dropped afterwards: a copy of the demo template when the test
    uses `demo` (directly or through another fixture), else of the empty migrated one."""
    if "demo" in request.fixturenames:
        yield request.getfixturevalue("demo_config")
        return
    url = databases.copy(migrated_template, tmp_path, "app")
    yield make_config(tmp_path, url)
    databases.drop(url)


@pytest.fixture
def app(app_config):
    """The app with no context pushed: each test-client request gets its own app context and `g`,
    as in production. Tests that touch the database directly use `with app.app_context():` or
    the `app_ctx` fixture (for tests that make no requests)."""
    app = share_compiled_templates(create_app(app_config))
    yield app
    get_service(app).stop()  # its writer thread must not outlive the test's database
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
            db.session.commit()
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
