"""Outgoing mail: queued in the database with the change that causes it, sent after commit.

`queue_mail()` adds a row to the caller's transaction, so a mail is never sent for a change that
rolled back, and never lost when the mail server is down: `deliver_pending()` retries with backoff.
Without MAIL_SERVER, mail is written as .eml files under MAIL_FILE_DIR (a local run needs no server).
No PHI goes into mail: callers send "you have a new message" and a link.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_mail import Message
from sqlalchemy import select

from webapp.clock import utcnow_naive
from webapp.extensions import db, mail
from webapp.models import OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
_send_lock = threading.Lock()


def queue_mail(recipient: str, subject: str, body: str) -> OutgoingMail:
    item = OutgoingMail(recipient=recipient, subject=subject, body=body)
    db.session.add(item)
    return item


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _write_eml(message: Message, item_id: int) -> None:
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow_naive().strftime("%Y%m%dT%H%M%S")
    (folder / f"{stamp}-{item_id:06d}.eml").write_bytes(message.as_bytes())


def _send(item: OutgoingMail) -> None:
    message = Message(subject=item.subject, recipients=[item.recipient], body=item.body,
                      sender=current_app.config["MAIL_DEFAULT_SENDER"])
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
    else:
        _write_eml(message, item.id)


def deliver_pending(limit: int = 50) -> int:
    """Send what is due; return how many were sent. Safe to call after every commit."""
    sent = 0
    with _send_lock:  # one sender at a time in this process: no mail sent twice
        now = utcnow_naive()
        due = db.session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now,
                   OutgoingMail.attempts < MAX_ATTEMPTS)
            .order_by(OutgoingMail.id).limit(limit)
        ).all()
        for item in due:
            try:
                _send(item)
            except Exception as exc:  # noqa: BLE001 - any transport failure means "retry later"
                item.attempts += 1
                item.last_error = f"{type(exc).__name__}: {exc}"[:500]
                item.next_attempt_at = utcnow_naive() + _backoff(item.attempts)
                log.warning("mail %s not sent (attempt %s): %s", item.id, item.attempts, type(exc).__name__)
            else:
                item.attempts += 1
                item.sent_at = utcnow_naive()
                sent += 1
            db.session.commit()
    return sent


def has_undelivered(recipient: str) -> bool:
    """True when a mail to `recipient` is still waiting (e.g. to tell the user it is delayed)."""
    return db.session.scalar(
        select(OutgoingMail.id).where(OutgoingMail.recipient == recipient,
                                      OutgoingMail.sent_at.is_(None)).limit(1)
    ) is not None


def start_retry_worker(app, interval_seconds: int = 30) -> None:
    """Retry undelivered mail in the background of a serving process."""
    if app.extensions.get("mail_retry_worker"):
        return

    def run() -> None:
        stop = app.extensions["mail_retry_worker"]
        while not stop.wait(interval_seconds):
            with app.app_context():
                try:
                    deliver_pending()
                except Exception:  # noqa: BLE001 - keep retrying; the next round may succeed
                    log.exception("mail retry round failed")
                finally:
                    db.session.remove()

    app.extensions["mail_retry_worker"] = threading.Event()
    threading.Thread(target=run, name="mail-retry", daemon=True).start()
