from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from webapp.extensions import db


def test_migrations_build_the_whole_schema_from_empty(app_ctx):
    tables = set(inspect(db.engine).get_table_names())
    assert {"user", "provider", "provider_access", "queue", "agent_queue", "outgoing_mail",
            "audit_event", "alembic_version"} <= tables


def test_models_and_migrations_agree(app_ctx):
    """A model change without its migration shows up here as a difference."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_every_migration_goes_down_to_empty_and_up_again(app_ctx):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    test_models_and_migrations_agree(app_ctx)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_postgresql_sessions_work_in_utc(app_ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW TIME ZONE").scalar() == "UTC"


def _chain() -> list[tuple[str, str]]:
    """(file name, revision id) from the first migration to the head, following down_revision."""
    script = ScriptDirectory(str(Path(__file__).resolve().parents[1] / "migrations"))
    return [(Path(rev.path).name, rev.revision) for rev in reversed(list(script.walk_revisions()))]


def test_migration_files_are_numbered_in_chain_order():
    names = [name for name, _ in _chain()]
    assert [int(name[:4]) for name in names] == list(range(1, len(names) + 1)), names


@pytest.mark.parametrize("old_id, same_state", [("0005_search", "0006_search"), ("0006_messages", "0005_messages")])
def test_a_database_holding_a_revision_id_from_before_the_renumbering_still_upgrades(app_ctx, old_id, same_state):
    from flask_migrate import downgrade, upgrade

    downgrade(revision=same_state)
    with db.engine.begin() as connection:  # what a database migrated before the renumbering holds
        connection.execute(text("UPDATE alembic_version SET version_num = :old"), {"old": old_id})
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == _chain()[-1][1]
    test_models_and_migrations_agree(app_ctx)
