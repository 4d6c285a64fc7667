"""Outgoing mail: queued in the database with the change that causes it, sent after commit.

`queue_mail()` adds a row to the caller's transaction, so a mail is never sent for a change that
rolled back, and never lost when the mail server is down: `deliver_pending()` retries with backoff.
Without MAIL_SERVER, mail is written as .eml files under MAIL_FILE_DIR (a local run needs no server).
No PHI goes into mail: callers send "you have a new message" and a link.
"""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message
from sqlalchemy import or_, select, update

from webapp.clock import utcnow_naive
from webapp.extensions import db, mail
from webapp.models import OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
CLAIM_SECONDS = 300  # a sender's claim on a mail; lapses if the sender dies mid-send


def queue_mail(recipient: str, subject: str, body: str) -> OutgoingMail:
    item = OutgoingMail(recipient=recipient, subject=subject, body=body)
    db.session.add(item)
    return item


def render_mail(template: str, **context) -> str:
    """A mail body from templates/mail/. Its `url_for(..., _external=True)` links start with
    PUBLIC_BASE_URL, the address users know, whichever host a request came in on (or from a command,
    where there is no request)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")

    def public_url_for(endpoint: str, **values) -> str:
        values.pop("_external", None)  # a link in a mail is always absolute
        return adapter.build(endpoint, values, force_external=True)

    # The page context processors (the signed-in user, unread counts) have no place in a mail.
    text = current_app.jinja_env.get_template(template).render(url_for=public_url_for, **context)
    return text.rstrip("\n") + "\n"


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


def _claim(limit: int) -> tuple[str, list[OutgoingMail]]:
    """Claim up to `limit` due mails for this sender, in a transaction of its own.

    PostgreSQL: the candidates are locked FOR UPDATE SKIP LOCKED, so concurrent senders on any
    machine take disjoint sets without waiting for each other. SQLite (one machine): the UPDATE
    itself is atomic (one writer at a time), and the claim conditions are repeated in its WHERE.
    A claim lasts CLAIM_SECONDS; a crashed sender's mail is taken again after that."""
    token = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    now = utcnow_naive()
    claimable = (OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now,
                 OutgoingMail.attempts < MAX_ATTEMPTS,
                 or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now))
    candidates = (select(OutgoingMail.id).where(*claimable).order_by(OutgoingMail.id).limit(limit)
                  .with_for_update(skip_locked=True))
    with db.engine.connect() as connection:
        # Most requests that call this queued nothing: a read (no write lock on SQLite) first.
        if connection.scalar(select(OutgoingMail.id).where(*claimable).limit(1)) is None:
            return token, []
    with db.engine.begin() as connection:
        connection.execute(
            update(OutgoingMail).where(OutgoingMail.id.in_(candidates), *claimable)
            .values(claimed_by=token, claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
            .execution_options(synchronize_session=False))
        rows = connection.execute(select(OutgoingMail.__table__).where(
            OutgoingMail.claimed_by == token).order_by(OutgoingMail.id)).all()
    return token, [OutgoingMail(**row._mapping) for row in rows]


def _finish(item: OutgoingMail, token: str, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(OutgoingMail).where(
            OutgoingMail.id == item.id, OutgoingMail.claimed_by == token
        ).values(claimed_by=None, claimed_until=None, **values))


def deliver_pending(limit: int = 20) -> int:
    """Send what is due; return how many were sent. Safe to call after every commit, from any
    number of threads, processes and machines: each mail is claimed by one sender."""
    sent = 0
    token, claimed = _claim(limit)
    started = time.monotonic()
    for position, item in enumerate(claimed):
        if time.monotonic() - started > CLAIM_SECONDS / 2:
            # A slow mail server: give the rest back before the claim could lapse mid-send.
            for unsent in claimed[position:]:
                _finish(unsent, token)
            break
        try:
            _send(item)
        except Exception as exc:  # noqa: BLE001 - any transport failure means "retry later"
            attempts = item.attempts + 1
            _finish(item, token, attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:500],
                    next_attempt_at=utcnow_naive() + _backoff(attempts))
            log.warning("mail %s not sent (attempt %s): %s", item.id, attempts, type(exc).__name__)
        else:
            _finish(item, token, attempts=item.attempts + 1, sent_at=utcnow_naive())
            sent += 1
    return sent


def has_undelivered(recipient: str) -> bool:
    """True when a mail to `recipient` is still waiting (e.g. to tell the user it is delayed)."""
    return db.session.scalar(
        select(OutgoingMail.id).where(OutgoingMail.recipient == recipient,
                                      OutgoingMail.sent_at.is_(None)).limit(1)
    ) is not None
