"""What must behave the same on SQLite and PostgreSQL. `make test` runs the suite on both
(README "Tests"); these tests pin the places where the two databases differ by nature."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from webapp import audit, ratelimit
from webapp.blueprints.cases.services import next_case_number
from webapp.extensions import db
from webapp.models import AuditEvent, RateLimitHit, SearchChange
from webapp.search import mark


def test_aware_datetimes_are_stored_and_compared_as_the_same_utc_instant(app_ctx):
    # 01:30 in New York on the day clocks spring forward is 06:30 UTC.
    in_new_york = datetime(2026, 3, 8, 1, 30, tzinfo=ZoneInfo("America/New_York"))
    in_kolkata = in_new_york.astimezone(ZoneInfo("Asia/Kolkata"))
    event = audit.record("test.aware", user_id=None)
    event.at = in_new_york
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(AuditEvent, event.id).at
    assert stored == datetime(2026, 3, 8, 6, 30) and stored.tzinfo is None
    for same_instant in (in_new_york, in_kolkata, datetime(2026, 3, 8, 6, 30, tzinfo=timezone.utc)):
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.at == same_instant)) == event.id
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.at > in_kolkata - timedelta(minutes=1))) == event.id


def test_ids_beyond_32_bits_are_simply_not_found(signed_in):
    """PostgreSQL's integer is 32 bits; an id past it must be "not found", as on SQLite."""
    client = signed_in("staff@sunrise.example")
    for number in (2**31, 2**53):
        for url in (f"/messages/{number}", f"/claims/{number}", f"/members/{number}",
                    f"/cases/{number}", f"/files/{number}"):
            assert client.get(url).status_code == 404, url
        page = client.get(f"/messages/new?claim={number}")
        assert page.status_code == 200 and "<h1>New Message</h1>" in page.get_data(as_text=True)


def test_case_numbers_continue_one_sequence_and_are_never_reused(app_ctx):
    day = datetime(2026, 11, 30).date()
    first = next_case_number(day)
    db.session.rollback()  # a rolled-back number may be given again: nothing was saved with it
    again = next_case_number(day)
    db.session.commit()
    after = next_case_number(day)
    db.session.commit()
    assert first == again == "113020261001"
    assert after == "113020261002"


def test_rate_limit_windows_count_refuse_and_start_again(app_ctx):
    start = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        assert [ratelimit.hit("form:email:a", limit=2, window_seconds=600) for _ in range(2)] == [None, None]
        assert ratelimit.hit("form:email:a", limit=2, window_seconds=600) == 600
        clock.shift(timedelta(minutes=4))
        assert ratelimit.hit("form:email:a", limit=2, window_seconds=600) == 360
        assert ratelimit.peek("form:email:a", limit=2, window_seconds=600) == 360
        assert ratelimit.hit("form:email:b", limit=2, window_seconds=600) is None  # keys are separate
        clock.shift(timedelta(minutes=6))
        assert ratelimit.hit("form:email:a", limit=2, window_seconds=600) is None  # a new window
    row = db.session.get(RateLimitHit, "form:email:a")
    assert (row.count, row.window_start) == (1, datetime(2026, 11, 30, 9, 10))


def test_concurrent_attempts_on_one_key_are_all_counted(app):
    """Each hit is one atomic upsert: no lost update (PostgreSQL) and no duplicate-key or stale
    snapshot error (SQLite) when several requests count the same key at once."""
    errors, barrier = [], threading.Barrier(6)

    def attempt():
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(5):
                    ratelimit.hit("register:addr:10.0.0.1", limit=1000, window_seconds=3600)
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.get(RateLimitHit, "register:addr:10.0.0.1").count == 30


def test_search_change_log_ids_increase_in_commit_order(app_ctx):
    app_ctx.config["SEARCH_LIVE_UPDATES"] = False  # keep the rows: nothing applies them here
    for record_id in ("7", "3", "11"):
        mark(db.session, "case", record_id)
        db.session.commit()
    rows = db.session.execute(select(SearchChange.id, SearchChange.record_id)
                              .order_by(SearchChange.id)).all()
    assert [record_id for _, record_id in rows] == ["7", "3", "11"]
    assert [row_id for row_id, _ in rows] == sorted({row_id for row_id, _ in rows})


@pytest.mark.parametrize("text", ["Ünïcode — “quotes” 😀", "a" * 5000, "nul\x01bytes\ttabs"])
def test_text_round_trips_unchanged(app_ctx, text):
    event = audit.record("test.text", user_id=None, object_type="t", object_id="1")
    db.session.commit()
    from webapp.mailer import queue_mail

    mail = queue_mail("someone@example.com", "Subject", text)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(mail), mail.id).body == text
    assert event.id is not None
