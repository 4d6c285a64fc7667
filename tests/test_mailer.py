"""Outgoing mail is queued with the change, written to .eml without a server, retried when refused."""
from __future__ import annotations

from types import SimpleNamespace

import time_machine
from sqlalchemy import func, select

from tests.mailbox import free_port, running_smtp_server
from webapp import create_app
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.mailer import deliver_pending, has_undelivered, queue_mail, render_mail
from webapp.models import OutgoingMail


def test_without_a_mail_server_mail_is_written_as_eml_files(app_ctx, tmp_path):
    queue_mail("someone@example.com", "Your passcode", "Your passcode is 123456.")
    db.session.commit()
    assert deliver_pending() == 1
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"Subject: Your passcode" in files[0].read_bytes()
    assert not has_undelivered("someone@example.com")


def test_mail_links_start_with_the_public_address_even_without_a_request(app_ctx, tmp_path):
    app_ctx.config["PUBLIC_BASE_URL"] = "https://portal.example.org"
    body = render_mail("mail/case_comment.txt", case=SimpleNamespace(number="112320261001"))
    assert body.endswith("Sign in to read it: https://portal.example.org/cases/112320261001\n")
    assert not body.endswith("\n\n")


def test_a_mail_rolled_back_with_its_change_is_never_sent(app_ctx, tmp_path):
    queue_mail("someone@example.com", "Your passcode", "Your passcode is 123456.")
    db.session.rollback()
    assert deliver_pending() == 0
    assert not (tmp_path / "mail").exists()


def test_refused_mail_is_retried_with_backoff_until_the_server_answers(app_config):
    port = free_port()  # nothing listens there yet
    app = create_app({**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                      "MAIL_SUPPRESS_SEND": False})
    with app.app_context(), time_machine.travel(utcnow(), tick=False) as clock:
        queue_mail("someone@example.com", "Your passcode", "Your passcode is 654321.")
        db.session.commit()
        assert deliver_pending() == 0
        assert has_undelivered("someone@example.com")
        clock.shift(10)
        assert deliver_pending() == 0  # not due again yet: backing off

        with running_smtp_server(port) as mailbox:
            clock.shift(30)
            assert deliver_pending() == 1
            received = mailbox.wait_for(to="someone@example.com", subject_contains="passcode")
        assert not has_undelivered("someone@example.com")
    assert received.passcode() == "654321"


def test_concurrent_senders_send_each_mail_once(app_config):
    """Four senders at once (threads here; processes and machines claim the same way)."""
    import threading

    with running_smtp_server() as mailbox:
        app = create_app({**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port,
                          "MAIL_SUPPRESS_SEND": False})
        with app.app_context():
            for number in range(30):
                queue_mail(f"user{number}@example.com", f"Notice {number}", "You have a new message.")
            db.session.commit()
        sent = []

        def sender():
            with app.app_context():
                while True:
                    count = deliver_pending(limit=3)
                    sent.append(count)
                    if not count:
                        return

        threads = [threading.Thread(target=sender) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sum(sent) == 30
        assert sorted(m.subject for m in mailbox.messages) == sorted(f"Notice {n}" for n in range(30))
        with app.app_context():
            assert db.session.scalar(select(func.count(OutgoingMail.id)).where(
                OutgoingMail.sent_at.is_(None))) == 0


def test_a_claim_left_by_a_crashed_sender_lapses_and_the_mail_is_sent(app_ctx, tmp_path):
    from datetime import timedelta

    from webapp.mailer import CLAIM_SECONDS

    item = queue_mail("someone@example.com", "Your passcode", "Your passcode is 123456.")
    db.session.commit()
    item.claimed_by, item.claimed_until = "dead-worker", utcnow().replace(tzinfo=None) + timedelta(
        seconds=CLAIM_SECONDS)
    db.session.commit()
    assert deliver_pending() == 0  # still claimed by the worker that died
    with time_machine.travel(utcnow() + timedelta(seconds=CLAIM_SECONDS + 1), tick=False):
        assert deliver_pending() == 1
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
    assert deliver_pending() == 0
