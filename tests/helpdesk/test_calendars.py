"""Business-hours arithmetic: weekends, holidays, time zones, the end of a working day."""
from datetime import date, datetime, time

from webapp.helpdesk.calendars import Calendar, add_business_hours, business_hours_between, parse_hours

# Weekdays 9-17 New York; Thanksgiving 2026 (Thu Nov 26) is a holiday. Times below are naive UTC:
# New York is UTC-5 in late November, so 9:00 local = 14:00 UTC.
NINE_TO_FIVE = parse_hours({str(d): ["09:00", "17:00"] for d in range(5)})
CALENDAR = Calendar("America/New_York", NINE_TO_FIVE, frozenset({date(2026, 11, 26)}))


def test_hours_within_one_working_day():
    monday_10am = datetime(2026, 11, 23, 15, 0)
    assert add_business_hours(monday_10am, 4, CALENDAR) == datetime(2026, 11, 23, 19, 0)  # 2 pm


def test_hours_roll_over_the_weekend():
    friday_3pm = datetime(2026, 11, 20, 20, 0)
    # 2 hours on Friday, the other 6 on Monday from 9:00 -> Monday 15:00 local = 20:00 UTC
    assert add_business_hours(friday_3pm, 8, CALENDAR) == datetime(2026, 11, 23, 20, 0)


def test_a_request_on_saturday_starts_on_monday_morning():
    saturday = datetime(2026, 11, 21, 17, 0)
    assert add_business_hours(saturday, 1, CALENDAR) == datetime(2026, 11, 23, 15, 0)


def test_holidays_are_skipped():
    wednesday_4pm = datetime(2026, 11, 25, 21, 0)
    # 1 hour Wednesday, Thursday is Thanksgiving, 3 hours Friday -> Friday 12:00 local = 17:00 UTC
    assert add_business_hours(wednesday_4pm, 4, CALENDAR) == datetime(2026, 11, 27, 17, 0)


def test_hours_between_count_only_working_time():
    friday_3pm, monday_11am = datetime(2026, 11, 20, 20, 0), datetime(2026, 11, 23, 16, 0)
    assert business_hours_between(friday_3pm, monday_11am, CALENDAR) == 4.0
    wednesday_9am, friday_9am = datetime(2026, 11, 25, 14, 0), datetime(2026, 11, 27, 14, 0)
    assert business_hours_between(wednesday_9am, friday_9am, CALENDAR) == 8.0  # Thursday is off
    assert business_hours_between(friday_9am, wednesday_9am, CALENDAR) == 0.0


def test_summer_time_is_the_queues_local_time():
    # New York is UTC-4 in July: 9:00 local = 13:00 UTC
    monday_july = datetime(2026, 7, 6, 12, 0)  # 8:00 local, before opening
    assert add_business_hours(monday_july, 1, CALENDAR) == datetime(2026, 7, 6, 14, 0)


def test_a_calendar_without_hours_gives_no_target_and_bad_rows_are_ignored():
    assert add_business_hours(datetime(2026, 11, 23, 15), 4, Calendar()) is None
    assert parse_hours({"0": ["17:00", "09:00"], "x": ["09:00", "10:00"], "9": ["09:00", "10:00"],
                        "1": ["nine", "ten"], "2": ["08:30", "12:00"]}) == {2: (time(8, 30), time(12, 0))}
