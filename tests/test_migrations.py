import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
