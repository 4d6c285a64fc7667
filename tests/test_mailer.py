"""Outgoing mail is queued with the change, written to .eml without a server, retried when refused."""
from __future__ import annotations

import time_machine

from tests.mailbox import free_port, running_smtp_server
from webapp import create_app
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.mailer import deliver_pending, has_undelivered, queue_mail


def test_without_a_mail_server_mail_is_written_as_eml_files(app_ctx, tmp_path):
    queue_mail("someone@example.com", "Your passcode", "Your passcode is 123456.")
    db.session.commit()
    assert deliver_pending() == 1
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"Subject: Your passcode" in files[0].read_bytes()
    assert not has_undelivered("someone@example.com")


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
