import time

import click
from flask import current_app, url_for

from webapp.blueprints.training import bp, services
from webapp.extensions import db
from webapp.mailer import deliver_pending


def _remind_once() -> int:
    config = current_app.config
    with current_app.test_request_context():
        link = config["PUBLIC_BASE_URL"] + url_for("training.overview")
    queued = services.send_reminders(valid_days=config["TRAINING_VALID_DAYS"], link=link)
    db.session.commit()
    deliver_pending()
    return queued


@bp.cli.command("remind")
@click.option("--every", type=click.IntRange(min=60), default=None,
              help="Keep running, checking every this many seconds (for a service); default: once.")
def remind(every):
    """Mail users whose training expires in 30 or 7 days (each reminder is sent once)."""
    while True:
        click.echo(f"training reminders queued: {_remind_once()}")
        if every is None:
            return
        time.sleep(every)
