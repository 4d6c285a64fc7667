"""The app's index keeping: change tracking, the writer, locked/broken index, reindex, check."""
from __future__ import annotations

import shutil
from datetime import datetime

from sqlalchemy import func, select

from tests.search.conftest import FakeNote, FakeRecord, add_record, wait_until_indexed
from webapp.extensions import db
from webapp.models import SearchChange
from webapp.search import Scope, get_service, search

SUNRISE = Scope.providers([1])
AGENT = Scope.agent(["claims-inquiry"])


def found(text, scope=SUNRISE):
    return [(hit.kind, hit.record_id) for hit in search(scope, text).hits]


def test_a_new_record_is_indexed_after_commit_by_the_writer(fake_source):
    with fake_source.app_context():
        record = add_record(number="100", subject="Pelican invoice", provider_id=1)
        wait_until_indexed()
        assert found("pelican") == [("case", str(record.id))]


def test_an_update_and_a_delete_are_reflected(fake_source):
    with fake_source.app_context():
        record = add_record(number="101", subject="Walrus question", provider_id=1)
        wait_until_indexed()
        record.subject = "Narwhal question"
        db.session.commit()
        wait_until_indexed()
        assert found("narwhal") and not found("walrus")
        db.session.delete(record)
        db.session.commit()
        wait_until_indexed()
        assert not found("narwhal")


def test_a_comment_marks_its_record_and_internal_notes_stay_with_agents(fake_source):
    with fake_source.app_context():
        record = add_record(number="102", subject="Otter case", provider_id=1,
                            queue="claims-inquiry")
        wait_until_indexed()
        record.notes.append(FakeNote(body="puffin sighting confirmed"))
        record.notes.append(FakeNote(body="internal heron remark", internal=True))
        db.session.commit()
        wait_until_indexed()
        assert found("puffin") == [("case", str(record.id))]
        assert found("heron") == []
        assert found("heron", AGENT) == [("case", str(record.id))]
        note = db.session.scalar(select(FakeNote).where(FakeNote.body.like("puffin%")))
        db.session.delete(note)
        db.session.commit()
        wait_until_indexed()
        assert found("puffin") == [] and found("otter")


def test_a_thread_is_indexed_as_a_thread(fake_source):
    with fake_source.app_context():
        record = add_record(kind="thread", number="T-7", subject="Grievance about parking",
                            provider_id=1, notes=[("first message about ramps", False)])
        wait_until_indexed()
        assert found("ramps") == [("thread", str(record.id))]


def test_a_rolled_back_change_leaves_no_pending_work(fake_source):
    with fake_source.app_context():
        db.session.add(FakeRecord(number="103", subject="Ghost", provider_id=1))
        db.session.flush()
        assert db.session.scalar(select(func.count(SearchChange.id))) == 1
        db.session.rollback()
        assert db.session.scalar(select(func.count(SearchChange.id))) == 0


def test_a_save_succeeds_while_the_index_is_locked_and_is_indexed_afterwards(fake_source):
    service = get_service(fake_source)
    with fake_source.app_context():
        with service.index.writer_lock():   # another writer (e.g. a reindex) holds the index
            record = add_record(number="104", subject="Locked lemur", provider_id=1)
            assert db.session.get(FakeRecord, record.id) is not None   # the save went through
            assert service.pending_count() == 1                      # the work is kept
            assert found("lemur") == []
        service.wake()  # what the retry timer does
        wait_until_indexed()
        assert found("lemur") == [("case", str(record.id))]


def test_a_save_succeeds_with_a_broken_index_and_a_reindex_repairs_it(fake_source, runner):
    service = get_service(fake_source)
    index_dir = service.index.current_dir()
    for segment_file in index_dir.iterdir():
        segment_file.write_bytes(b"garbage")
    with fake_source.app_context():
        record = add_record(number="105", subject="Broken badger", provider_id=1)
        assert record.id is not None
        assert search(SUNRISE, "badger").unavailable
        result = runner.invoke(args=["search", "reindex", "--procs", "1"])
        assert result.exit_code == 0, result.output
        assert "Indexed 1 records" in result.output
        assert found("badger") == [("case", str(record.id))]
        assert service.pending_count() == 0


def test_reindex_rebuilds_a_deleted_index_into_a_new_folder(fake_source, runner):
    service = get_service(fake_source)
    with fake_source.app_context():
        record = add_record(number="106", subject="Deleted dolphin", provider_id=1)
        wait_until_indexed()
        old = service.index.current_dir()
        shutil.rmtree(service.index.root)
        assert search(SUNRISE, "dolphin").unavailable
        result = runner.invoke(args=["search", "reindex"])  # default: 2 processes
        assert result.exit_code == 0, result.output
        assert service.index.current_dir() != old
        assert found("dolphin") == [("case", str(record.id))]


def test_check_reports_and_fixes_missing_stale_and_extra_entries(fake_source, runner):
    service = get_service(fake_source)
    with fake_source.app_context():
        kept = add_record(number="107", subject="Kestrel", provider_id=1)
        stale = add_record(number="108", subject="Stale starling", provider_id=1)
        wait_until_indexed()
        service.index.apply([], [f"case:{kept.id}"])                    # missing
        service.index.apply([("case", {"id": 999, "title": "phantom", "provider_ids": [1]})], [])
        service.app.config["SEARCH_LIVE_UPDATES"] = False
        db.session.execute(FakeRecord.__table__.update().where(FakeRecord.id == stale.id)
                           .values(subject="Fresh finch", updated=datetime(2026, 3, 1)))
        db.session.commit()                                              # stale (no ORM event)
        result = runner.invoke(args=["search", "check"])
        assert result.exit_code == 1
        assert f"1 case record(s) missing from the index: {kept.id}" in result.output
        assert f"1 case record(s) stale in the index: {stale.id}" in result.output
        assert "1 case record(s) in the index but not in the database: 999" in result.output
        result = runner.invoke(args=["search", "check", "--fix"])
        assert result.exit_code == 0 and "Fixed." in result.output
        assert found("kestrel") and found("finch") and not found("phantom")
        assert runner.invoke(args=["search", "check"]).output.strip() == "The index matches the database."


def test_check_fix_rebuilds_a_corrupted_index(fake_source, runner):
    service = get_service(fake_source)
    with fake_source.app_context():
        record = add_record(number="109", subject="Corrupt cormorant", provider_id=1)
        wait_until_indexed()
        for toc in service.index.current_dir().glob("*.toc"):
            toc.write_bytes(b"\x00" * 10)
        assert runner.invoke(args=["search", "check"]).exit_code == 1
        result = runner.invoke(args=["search", "check", "--fix"])
        assert result.exit_code == 0 and "Rebuilt" in result.output
        assert found("cormorant") == [("case", str(record.id))]


def test_startup_repair_rebuilds_a_missing_index_and_catches_up_changes(fake_source):
    service = get_service(fake_source)
    with fake_source.app_context():
        service.app.config["SEARCH_LIVE_UPDATES"] = False
        first = add_record(number="110", subject="Offline ocelot", provider_id=1)
        shutil.rmtree(service.index.root)
        assert service.repair().startswith("rebuilt")
        assert found("ocelot") == [("case", str(first.id))]
        # A change written by a process that did not index it (pending row lost on purpose).
        db.session.execute(FakeRecord.__table__.update().where(FakeRecord.id == first.id)
                           .values(subject="Offline okapi", updated=datetime(2099, 1, 1)))
        db.session.commit()
        assert service.repair().startswith("up to date")
        assert found("okapi") == [("case", str(first.id))]


def test_a_bulk_update_marked_by_hand_is_indexed(fake_source):
    from webapp.search import mark

    with fake_source.app_context():
        record = add_record(number="111", subject="Bulk before", provider_id=1)
        wait_until_indexed()
        db.session.execute(FakeRecord.__table__.update().where(FakeRecord.id == record.id)
                           .values(subject="Bulk bison"))
        mark(db.session, "case", record.id)
        db.session.commit()
        wait_until_indexed()
        assert found("bison") == [("case", str(record.id))]
