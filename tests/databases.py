"""The databases tests run on: SQLite files (default) or PostgreSQL, each test on a fresh copy of a
template made once per session.

`TEST_DATABASE=postgresql` runs the suite on PostgreSQL. `TEST_POSTGRES_URL` (default
postgresql://postgres@127.0.0.1:5432/postgres) names a database to connect to for CREATE/DROP
DATABASE; the tests' own databases are named `pdtest_<pid>_<random>_<n>`, so parallel runs (xdist
workers, other checkouts on the same server) never collide, and each is dropped after its test.
"""
from __future__ import annotations

import itertools
import os
import secrets
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX = "pdtest_"


def backend_name() -> str:
    name = (os.environ.get("TEST_DATABASE") or "sqlite").strip().lower()
    if name in ("postgres", "postgresql"):
        return "postgresql"
    if name != "sqlite":
        raise ValueError(f"TEST_DATABASE must be sqlite or postgresql, got {name!r}")
    return name


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def postgres_unreachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else why not."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {str(exc).strip()}"
    return None


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class SqliteDatabases:
    name = "sqlite"

    def create(self, folder: Path, name: str) -> str:
        return sqlite_url(folder / f"{name}.sqlite3")

    def copy(self, template_url: str, folder: Path, name: str) -> str:
        target = folder / f"{name}.sqlite3"
        shutil.copyfile(make_url(template_url).database, target)
        return sqlite_url(target)

    def drop(self, url: str) -> None:
        """Nothing to do: the file goes with pytest's temporary folder."""

    def close(self) -> None:
        pass


class PostgresDatabases:
    """CREATE DATABASE ... TEMPLATE copies a template in ~0.2-1 s, so the copy for the next test
    is made in the background while this one runs (one spare per template). DROP DATABASE waits
    for a checkpoint (~1-2 s), but concurrent drops share one, so drops run in background threads."""
    name = "postgresql"

    def __init__(self, admin_url: str):
        import psycopg

        self.admin_url = admin_url
        self._prefix = f"{PREFIX}{os.getpid()}_{secrets.token_hex(3)}_"
        self._numbers = itertools.count(1)
        self._admin = psycopg.connect(admin_url, autocommit=True)
        self._creator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy-database")
        self._spares: dict[str, Future] = {}
        self._dropper = ThreadPoolExecutor(max_workers=16, thread_name_prefix="drop-database")
        self._drop_leftovers()

    def _url(self, database: str) -> str:
        # A commit need not wait for its WAL to reach the disk (the tests never survive a crash
        # of the server); per connection, so the shared server's own settings stay as they are.
        return make_url(self.admin_url).set(drivername="postgresql+psycopg", database=database) \
            .update_query_dict({"options": "-c synchronous_commit=off"}) \
            .render_as_string(hide_password=False)

    def _new_name(self, name: str) -> str:
        return f"{self._prefix}{next(self._numbers)}_{name}"[:63]

    def create(self, folder: Path, name: str) -> str:
        database = self._new_name(name)
        self._admin.execute(f'CREATE DATABASE "{database}"')
        return self._url(database)

    def copy(self, template_url: str, folder: Path, name: str) -> str:
        template = make_url(template_url).database
        spare = self._spares.pop(template, None)
        database = spare.result() if spare is not None else self._copy_now(template, name)
        self._spares[template] = self._creator.submit(self._copy_now, template, name)
        return self._url(database)

    def _copy_now(self, template: str, name: str) -> str:
        import psycopg

        database = self._new_name(name)
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        return database

    def drop(self, url: str) -> None:
        self._dropper.submit(self._drop_now, make_url(url).database)

    def _drop_now(self, database: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def _drop_leftovers(self) -> None:
        """Databases of test runs on this machine that died before dropping them."""
        host = make_url(self.admin_url).host or "localhost"
        if host not in ("127.0.0.1", "localhost", "::1"):
            return
        names = [row[0] for row in self._admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (PREFIX.replace("_", r"\_") + "%",))]
        for database in names:
            pid = database[len(PREFIX):].split("_", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                self._dropper.submit(self._drop_now, database)

    def close(self) -> None:
        """Drop every database of this session: templates, spares, any not dropped yet."""
        self._creator.shutdown(wait=True)
        self._dropper.shutdown(wait=True)
        names = [row[0] for row in self._admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (self._prefix.replace("_", r"\_") + "%",))]
        with ThreadPoolExecutor(max_workers=16) as dropper:
            list(dropper.map(self._drop_now, names))
        self._admin.close()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_databases():
    if backend_name() == "postgresql":
        return PostgresDatabases(postgres_admin_url())
    return SqliteDatabases()
