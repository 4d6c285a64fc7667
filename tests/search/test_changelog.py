"""Several index folders (machines) on one database: each catches up from the change log and
remembers where it stands."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from tests.search.conftest import _source, add_record
from webapp import create_app
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import SearchChange
from webapp.search import Scope, get_service, register_source, search
from webapp.search.changelog import GAP_SECONDS, Cursor, read_cursor

SUNRISE = Scope.providers([1])


@pytest.fixture
def other_machine(fake_source, app_config, tmp_path):
    """A second app on the same database with its own index folder, writer off (it only polls)."""
    other = create_app({**app_config, "INDEX_DIR": str(tmp_path / "machine-b-index"),
                        "SEARCH_LIVE_UPDATES": False, "SEARCH_POLL_SECONDS": 0.2})
    for kind in ("case", "thread"):  # create_app registered the real sources again
        register_source(kind, **_source(kind))
    with other.app_context():
        get_service(other).reindex(procs=1)
    yield other
    get_service(other).close()
    with other.app_context():
        db.engine.dispose()


def found_in(app, text):
    with app.app_context():
        return [hit.record_id for hit in search(SUNRISE, text).hits]


def test_a_change_on_one_machine_is_applied_by_the_other_machines_index(fake_source, other_machine):
    with fake_source.app_context():
        record_id = str(add_record(number="200", subject="Quokka claim", provider_id=1).id)
    service_b = get_service(other_machine)
    with other_machine.app_context():
        assert service_b.pending_count() == 1 and found_in(other_machine, "quokka") == []
        assert service_b.apply_all_pending() == 1
        assert found_in(other_machine, "quokka") == [record_id]
        newest = db.session.scalar(select(func.max(SearchChange.id)))
        assert service_b.cursor().applied == newest and service_b.pending_count() == 0
        assert service_b.apply_all_pending() == 0  # nothing applied twice


def test_a_polling_machine_finds_the_other_machines_change_within_two_seconds(fake_source, other_machine):
    get_service(other_machine).start_polling()
    with fake_source.app_context():
        record_id = str(add_record(number="201", subject="Wombat appeal", provider_id=1).id)
    deadline = time.monotonic() + 2
    while found_in(other_machine, "wombat") != [record_id]:
        assert time.monotonic() < deadline, "not found on the other machine within 2 s"
        time.sleep(0.05)


def test_the_change_log_is_kept_for_every_machine_not_consumed(fake_source, other_machine):
    with fake_source.app_context():
        add_record(number="202", subject="Kiwi case", provider_id=1)
        get_service().apply_all_pending()  # machine A applied it
        assert db.session.scalar(select(func.count(SearchChange.id))) == 1
    with other_machine.app_context():
        assert get_service(other_machine).pending_count() == 1  # B still has it to do


def test_a_rebuilt_index_starts_at_the_newest_change(fake_source):
    service = get_service(fake_source)
    with fake_source.app_context():
        service.app.config["SEARCH_LIVE_UPDATES"] = False
        add_record(number="203", subject="Ibis", provider_id=1)
        add_record(number="204", subject="Emu", provider_id=1)
        service.reindex(procs=1)
        newest = db.session.scalar(select(func.max(SearchChange.id)))
        assert read_cursor(service.index.current_dir()).applied == newest
        assert service.pending_count() == 0 and found_in(fake_source, "emu")


def test_an_index_folder_from_before_the_log_applies_the_whole_log(fake_source):
    service = get_service(fake_source)
    with fake_source.app_context():
        service.app.config["SEARCH_LIVE_UPDATES"] = False
        record_id = str(add_record(number="205", subject="Tapir", provider_id=1).id)
        assert read_cursor(service.index.current_dir()) is None  # create_empty: no position
        assert service.apply_all_pending() == 1
        assert found_in(fake_source, "tapir") == [record_id]


def test_a_change_that_commits_late_below_the_position_is_still_applied():
    """PostgreSQL: id 11 may commit before id 10. The position passes 10 but keeps looking."""
    now = 1000.0
    cursor = Cursor(applied=9).advanced([11], now)
    assert cursor.applied == 11 and cursor.live_gaps(now) == [10]
    cursor = cursor.advanced([10, 12], now + 1)
    assert cursor.applied == 12 and cursor.live_gaps(now + 1) == []
    # A gap that never shows up (rolled back) is given up after GAP_SECONDS.
    cursor = Cursor(applied=1).advanced([3], now)
    assert cursor.live_gaps(now + GAP_SECONDS + 1) == []


def test_pruning_keeps_recent_changes_and_ids_never_restart(fake_source):
    service = get_service(fake_source)
    with fake_source.app_context():
        service.app.config["SEARCH_LIVE_UPDATES"] = False
        for number in ("206", "207"):
            add_record(number=number, subject="Old gecko", provider_id=1)
        with time_machine.travel(utcnow() + timedelta(days=8)):
            assert service.prune_log(days=7) == 1  # the newest row always stays
            remaining = db.session.scalars(select(SearchChange.id)).all()
            assert len(remaining) == 1
            assert service.prune_log(days=7) == 0
        add_record(number="208", subject="New gecko", provider_id=1)
        assert max(db.session.scalars(select(SearchChange.id))) > remaining[0]


def test_healthz_shows_the_index_lag(fake_source, client):
    service = get_service(fake_source)
    with fake_source.app_context():
        service.app.config["SEARCH_LIVE_UPDATES"] = False
        add_record(number="209", subject="Lagging lynx", provider_id=1)
    report = client.get("/healthz").get_json()["search"]
    assert report["lag_changes"] == 1 and 0 <= report["lag_seconds"] < 60  # made seconds ago
    with fake_source.app_context():
        service.apply_all_pending()
    report = client.get("/healthz").get_json()["search"]
    assert report["lag_changes"] == 0 and report["applied_change"] >= 1
