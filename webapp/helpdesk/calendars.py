"""Business-hours arithmetic over a queue's calendar (working hours by weekday, holidays).

Service targets count business hours; legal deadlines count calendar days and never come here.
Times in and out are naive UTC, like everything stored; the calendar works in its own time zone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_DAYS = 3660  # a target further than ten years of working days is a configuration mistake


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "America/New_York"
    # weekday (Monday = 0) -> (opens, closes), local time
    windows: dict[int, tuple[time, time]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("America/New_York")

    def window_on(self, day: date) -> tuple[time, time] | None:
        if day in self.holidays:
            return None
        return self.windows.get(day.weekday())


def parse_hours(hours: dict) -> dict[int, tuple[time, time]]:
    """{"0": ["09:00", "17:00"], ...} -> {0: (09:00, 17:00)}; bad or empty entries are skipped."""
    windows = {}
    for key, value in (hours or {}).items():
        try:
            weekday = int(key)
            opens, closes = (time.fromisoformat(v) for v in value)
        except (TypeError, ValueError):
            continue
        if 0 <= weekday <= 6 and opens < closes:
            windows[weekday] = (opens, closes)
    return windows


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(zone)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _windows_from(start_local: datetime, calendar: Calendar):
    """(window start, window end) local, from the day of `start_local` on, clipped to start it."""
    zone = calendar.zone
    day = start_local.date()
    for _ in range(MAX_DAYS):
        window = calendar.window_on(day)
        if window is not None:
            opens = datetime.combine(day, window[0], zone)
            closes = datetime.combine(day, window[1], zone)
            begin = max(opens, start_local)
            if begin < closes:
                yield begin, closes
        day += timedelta(days=1)


def add_business_hours(start: datetime, hours: float, calendar: Calendar) -> datetime | None:
    """The moment `hours` working hours after `start` (None: the calendar has no working hours)."""
    if not calendar.windows:
        return None
    remaining = timedelta(hours=hours)
    start_local = _local(start, calendar.zone)
    for begin, end in _windows_from(start_local, calendar):
        available = end - begin
        if remaining <= available:
            return _utc(begin + remaining)
        remaining -= available
    return None


def business_hours_between(start: datetime, end: datetime, calendar: Calendar) -> float:
    """Working hours from `start` to `end` (0 when end is not after start)."""
    if end <= start or not calendar.windows:
        return 0.0
    end_local = _local(end, calendar.zone)
    total = timedelta()
    for begin, close in _windows_from(_local(start, calendar.zone), calendar):
        if begin >= end_local:
            break
        total += min(close, end_local) - begin
    return total.total_seconds() / 3600
