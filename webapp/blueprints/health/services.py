"""What /healthz reports: counts, ages and names only, never a record's content."""
from __future__ import annotations

import logging

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import MAX_ATTEMPTS
from webapp.models import OutgoingMail
from webapp.search import get_service

log = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as exc:
        log.warning("health: database unreachable: %s", type(exc).__name__)
        db.session.rollback()
        return False


def mail_status() -> dict:
    """Unsent mail that will still be tried, and how long the oldest has waited."""
    unsent = (OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
    count, oldest = db.session.execute(
        select(func.count(OutgoingMail.id), func.min(OutgoingMail.created_at)).where(*unsent)
    ).one()
    return {
        "unsent": count,
        "oldest_unsent_age_seconds": None if oldest is None
        else round((utcnow_naive() - oldest).total_seconds(), 1),
        "failed": db.session.scalar(select(func.count(OutgoingMail.id)).where(
            OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= MAX_ATTEMPTS)),
    }


def health_report() -> dict:
    reachable = database_reachable()
    report = {"status": "ok" if reachable else "unavailable", "database": {"reachable": reachable},
              "search": None, "mail": None}
    if not reachable:
        return report
    try:
        report["search"] = get_service().status()
        report["mail"] = mail_status()
    except SQLAlchemyError as exc:  # the database went away between the two queries
        log.warning("health: database failed mid-report: %s", type(exc).__name__)
        db.session.rollback()
        report.update(status="unavailable", database={"reachable": False})
    return report
