import pytest

from tests.security.world import build_world
from webapp.extensions import db


@pytest.fixture(scope="session")
def world(tmp_path_factory, migrated_database):
    """Built once (the matrix and the fuzz tests share it): the demo plus an owned record of every
    kind, a client per identity."""
    world = build_world(tmp_path_factory.mktemp("world"), migrated_database)
    yield world
    with world.app.app_context():
        db.engine.dispose()
