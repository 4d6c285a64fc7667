"""Background jobs: mail retry, search index catch-up, change-log pruning.

They run inside every web worker (WEB_BACKGROUND_JOBS=true, the default) or in a separate
`flask --app wsgi worker` process. Running them in several places at once is safe: each mail is
claimed by one sender (mailer.py) and each index folder is caught up by one process at a time
(search/changelog.py). Every machine needs them somewhere, since its index folder must catch up
with changes made on the other machines.
"""
from __future__ import annotations

import logging
import signal
import threading
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.extensions import db
from webapp.mailer import deliver_pending
from webapp.search import get_service

log = logging.getLogger(__name__)
MAIL_RETRY_SECONDS = 30
PRUNE_SECONDS = 3600


def housekeeping(app: Flask, stop: threading.Event, mail_seconds: float = MAIL_RETRY_SECONDS) -> None:
    """Until `stop` is set: send due mail now and every `mail_seconds`, prune the change log hourly."""
    last_prune = 0.0
    while True:
        with app.app_context():
            try:
                deliver_pending()
                if time.monotonic() - last_prune > PRUNE_SECONDS:
                    last_prune = time.monotonic()
                    pruned = get_service(app).prune_log(app.config["SEARCH_CHANGE_LOG_DAYS"])
                    if pruned:
                        log.info("search: pruned %s old change-log rows", pruned)
            except Exception:  # noqa: BLE001 - keep going; the next round may succeed
                log.exception("background round failed")
            finally:
                db.session.remove()
        if stop.wait(mail_seconds):
            return


def start_in_web_worker(app: Flask) -> None:
    """Once per process, on its first request: the loops run as daemon threads of the worker."""
    if app.extensions.get("background_jobs"):
        return
    stop = app.extensions["background_jobs"] = threading.Event()
    get_service(app).start_polling()
    threading.Thread(target=housekeeping, args=(app, stop), name="housekeeping", daemon=True).start()


@click.command("worker")
@click.option("--mail-seconds", type=float, default=MAIL_RETRY_SECONDS, show_default=True,
              help="How often due mail is sent.")
@with_appcontext
def worker_command(mail_seconds):
    """Run the background jobs in the foreground (mail retry, index catch-up, log pruning).
    Use with WEB_BACKGROUND_JOBS=false on the web servers; one per machine is enough."""
    app = current_app._get_current_object()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    service = get_service(app)
    service.start_repair()  # a missing or stale index folder is rebuilt / caught up first
    service.start_polling()
    click.echo(f"worker: index {app.config['INDEX_DIR']}, catching up every "
               f"{service.poll_seconds:g} s, mail every {mail_seconds:g} s")
    housekeeping(app, stop, mail_seconds)
    click.echo("worker: stopped")


def register_background(app: Flask) -> None:
    app.cli.add_command(worker_command)

    @app.before_request
    def start_background_jobs():
        if app.config.get("BACKGROUND_WORKERS") and app.config.get("WEB_BACKGROUND_JOBS", True) \
                and not app.extensions.get("background_jobs"):
            start_in_web_worker(app)
