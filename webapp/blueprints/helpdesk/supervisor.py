"""The Supervisor page: per queue and per agent, open and overdue items now, and for a period the
median first response and resolution (business hours), satisfaction and questions answered by an
article. `sees_supervisor_home` is the one place that says who may see it."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy import func, select

from webapp.blueprints.helpdesk.inbox import inbox_sources
from webapp.blueprints.helpdesk.inbox_sources import case_first_responses, thread_first_responses
from webapp.extensions import db
from webapp.helpdesk import targets as service_targets
from webapp.helpdesk.calendars import Calendar, business_hours_between
from webapp.models import ArticleAnswer, Case, MessageThread, Queue, Rating, Role, User

MAX_PERIOD_DAYS = 366
CSV_COLUMNS = ["Group", "Name", "Open", "Overdue", "Median first response (business hours)",
               "Median resolution (business hours)", "Ratings", "Average rating",
               "Answered by an article"]


def sees_supervisor_home(user) -> bool:
    """Supervisors and admins (a different rule from `User.is_supervisor`, the role alone)."""
    return bool(getattr(user, "is_authenticated", False)) and (user.is_supervisor or user.is_admin)


@dataclass
class Row:
    group: str   # "Queue" or "Agent"
    name: str
    open: int = 0
    overdue: int = 0
    first_responses: list[float] = field(default_factory=list)
    resolutions: list[float] = field(default_factory=list)
    scores: list[int] = field(default_factory=list)
    answered_by_article: int = 0

    @property
    def median_first_response(self) -> float | None:
        return round(median(self.first_responses), 1) if self.first_responses else None

    @property
    def median_resolution(self) -> float | None:
        return round(median(self.resolutions), 1) if self.resolutions else None

    @property
    def average_rating(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else None

    def csv_values(self) -> list:
        blank = lambda value: "" if value is None else value  # noqa: E731
        return [self.group, self.name, self.open, self.overdue, blank(self.median_first_response),
                blank(self.median_resolution), len(self.scores), blank(self.average_rating),
                self.answered_by_article]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def check_period(start: date | None, end: date | None) -> dict[str, str]:
    errors = {}
    if start is None:
        errors["date_from"] = "Enter the first day of the period, like 11/01/2026."
    if end is None:
        errors["date_to"] = "Enter the last day of the period, like 11/30/2026."
    if start and end:
        if end < start:
            errors["date_to"] = "The last day must not be before the first day."
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["date_to"] = f"Choose a period of at most {MAX_PERIOD_DAYS} days."
    return errors


def _hours(start: datetime, end: datetime, calendar: Calendar | None) -> float:
    if calendar is None or not calendar.windows:
        return (end - start).total_seconds() / 3600
    return business_hours_between(start, end, calendar)


def report(start: date, end: date, now: datetime) -> list[Row]:
    """Rows per queue, then per agent."""
    since, until = period_bounds(start, end)
    queues = list(db.session.scalars(select(Queue).order_by(Queue.name)))
    by_queue = {q.id: Row("Queue", q.name) for q in queues}
    by_agent: dict[int, Row] = {}

    def agent_row(user: User | None) -> Row | None:
        if user is None:
            return None
        return by_agent.setdefault(user.id, Row("Agent", user.full_name))

    # open and overdue now, from the inbox sources (what agents see)
    stand_in = User(role=Role.ADMIN, first_name="", last_name="")
    for source in inbox_sources().values():
        for item in source.items(stand_in, list(by_queue), {"ours", "theirs"}, now):
            for row in (by_queue.get(item.queue.id), agent_row(item.assigned_to)):
                if row is not None:
                    row.open += 1
                    row.overdue += item.is_overdue(now)
    calendars = service_targets.calendars()

    def add_times(items, first, finished_of):
        for item in items:
            rows = [r for r in (by_queue.get(item.queue_id), agent_row(item.assigned_to)) if r]
            calendar = calendars.get(item.queue_id)
            responded = first.get(item.id)
            if responded and since <= item.created_at < until:
                for row in rows:
                    row.first_responses.append(_hours(item.created_at, responded, calendar))
            finished = finished_of(item)
            if finished and since <= finished < until:
                for row in rows:
                    row.resolutions.append(_hours(item.created_at, finished, calendar))

    cases = list(db.session.scalars(select(Case).where(
        Case.merged_into_id.is_(None),
        ((Case.created_at >= since) & (Case.created_at < until))
        | ((Case.finished_at >= since) & (Case.finished_at < until)))))
    add_times(cases, case_first_responses([c.id for c in cases]),
              lambda c: c.finished_at if c.status.is_finished else None)
    threads = list(db.session.scalars(select(MessageThread).where(
        MessageThread.merged_into_id.is_(None),
        ((MessageThread.created_at >= since) & (MessageThread.created_at < until))
        | ((MessageThread.closed_at >= since) & (MessageThread.closed_at < until)))))
    add_times(threads, thread_first_responses([t.id for t in threads]), lambda t: t.closed_at)

    for rating in db.session.scalars(select(Rating).where(Rating.created_at >= since, Rating.created_at < until)):
        if rating.queue_id in by_queue:
            by_queue[rating.queue_id].scores.append(rating.score)
        if rating.agent_id:
            agent_row(db.session.get(User, rating.agent_id)).scores.append(rating.score)
    for queue_id, count in db.session.execute(
            select(ArticleAnswer.queue_id, func.count(ArticleAnswer.id))
            .where(ArticleAnswer.created_at >= since, ArticleAnswer.created_at < until)
            .group_by(ArticleAnswer.queue_id)):
        if queue_id in by_queue:
            by_queue[queue_id].answered_by_article += count
    return list(by_queue.values()) + sorted(by_agent.values(), key=lambda r: r.name)


def as_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        # a name starting with = + - @ would be a formula in a spreadsheet
        values = row.csv_values()
        values[1] = "'" + values[1] if str(values[1])[:1] in "=+-@" else values[1]
        writer.writerow(values)
    return out.getvalue()
