"""Column types that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A point in time stored as naive UTC (`timestamp without time zone` / SQLite text).

    An aware datetime is converted to UTC before it is stored or compared: SQLite would otherwise
    drop its offset and keep the wall-clock time, while PostgreSQL would convert it with the
    session's time zone. Values read back are naive UTC on both, as `webapp.clock` expects."""
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        return value
