"""`flask --app wsgi worker`: the background jobs in a process of their own."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from webapp.extensions import db
from webapp.mailer import queue_mail
from webapp.search.changelog import read_cursor

ROOT = Path(__file__).resolve().parent.parent


def test_the_worker_sends_mail_builds_the_index_and_stops_on_sigterm(app, app_config, tmp_path):
    with app.app_context():
        queue_mail("someone@example.com", "You have a new message", "Sign in to read it.")
        db.session.commit()
    env = {**os.environ, "SECRET_KEY": "test-secret-key", "INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"], "INDEX_DIR": app_config["INDEX_DIR"],
           "MAIL_FILE_DIR": app_config["MAIL_FILE_DIR"], "MAIL_SERVER": "", "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        index_current = Path(app_config["INDEX_DIR"]) / "current"
        while not (list(Path(app_config["MAIL_FILE_DIR"]).glob("*.eml")) and index_current.exists()
                   and read_cursor(index_current.resolve()) is not None):
            assert worker.poll() is None and time.monotonic() < deadline, "worker did not do its jobs"
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "worker: stopped" in output
    mails = list(Path(app_config["MAIL_FILE_DIR"]).glob("*.eml"))
    assert len(mails) == 1 and b"You have a new message" in mails[0].read_bytes()
