"""Service targets: business-hour targets per category over each queue's calendar (data)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from webapp.extensions import db
from webapp.helpdesk.calendars import Calendar, add_business_hours, parse_hours
from webapp.models import BusinessCalendar, Holiday, Queue, ServiceTarget


def calendars() -> dict[int, Calendar]:
    """Every queue's calendar (queues without one have no business hours: no targets)."""
    holidays: dict[int | None, set[date]] = {}
    for holiday in db.session.scalars(select(Holiday)):
        holidays.setdefault(holiday.queue_id, set()).add(holiday.day)
    everywhere = holidays.get(None, set())
    return {row.queue_id: Calendar(row.time_zone, parse_hours(row.hours),
                                   frozenset(everywhere | holidays.get(row.queue_id, set())))
            for row in db.session.scalars(select(BusinessCalendar))}


def targets() -> dict[tuple[str, str], ServiceTarget]:
    return {(t.item_kind, t.category): t for t in db.session.scalars(select(ServiceTarget))}


def target_due(created_at: datetime, first_response_at: datetime | None, target: ServiceTarget | None,
               calendar: Calendar | None) -> datetime | None:
    """When the next target falls: the first response while none was given, then resolution."""
    if target is None or calendar is None:
        return None
    hours = target.resolution_hours if first_response_at else target.first_response_hours
    return add_business_hours(created_at, hours, calendar)


# --- data: loaded by seed-demo, editable as rows ------------------------------------------------

WEEKDAYS_9_TO_5 = {str(day): ["09:00", "17:00"] for day in range(5)}
DEMO_HOLIDAYS = [(date(2026, 1, 1), "New Year's Day"), (date(2026, 5, 25), "Memorial Day"),
                 (date(2026, 7, 3), "Independence Day (observed)"), (date(2026, 9, 7), "Labor Day"),
                 (date(2026, 11, 26), "Thanksgiving Day"), (date(2026, 12, 25), "Christmas Day"),
                 (date(2027, 1, 1), "New Year's Day")]
# (kind, category, first response hours, resolution hours), in business hours
DEMO_TARGETS = [
    ("thread", "claims", 8, 40), ("thread", "grievance-and-appeal", 8, 80),
    ("thread", "general-question", 8, 24), ("thread", "care-plan", 16, 40),
    ("thread", "preauthorization-documents", 4, 16), ("thread", "provider-profile-change", 16, 40),
    ("case", "claim", 8, 40), ("case", "eligibility", 4, 16), ("case", "enrollment", 16, 80),
    ("case", "general", 8, 24),
]


def seed_demo_service_targets() -> None:
    """Weekday 9-5 Eastern calendars for every queue, US holidays, targets per category (idempotent)."""
    existing = {row.queue_id for row in db.session.scalars(select(BusinessCalendar))}
    for queue in db.session.scalars(select(Queue)):
        if queue.id not in existing:
            db.session.add(BusinessCalendar(queue_id=queue.id, time_zone="America/New_York",
                                            hours=WEEKDAYS_9_TO_5))
    days = {h.day for h in db.session.scalars(select(Holiday).where(Holiday.queue_id.is_(None)))}
    for day, name in DEMO_HOLIDAYS:
        if day not in days:
            db.session.add(Holiday(queue_id=None, day=day, name=name))
    known = targets()
    for kind, category, first, resolution in DEMO_TARGETS:
        if (kind, category) not in known:
            db.session.add(ServiceTarget(item_kind=kind, category=category, first_response_hours=first,
                                         resolution_hours=resolution))
    db.session.flush()
