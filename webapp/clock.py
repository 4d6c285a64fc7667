"""The app's one source of "now", in UTC. Tests freeze time with time-machine."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Aware UTC now. Stored datetimes are naive UTC (SQLite has no time zones)."""
    return datetime.now(timezone.utc)


def utcnow_naive() -> datetime:
    return utcnow().replace(tzinfo=None)
