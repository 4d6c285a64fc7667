import click
from flask import current_app

from webapp.blueprints.demo import bp
from webapp.blueprints.demo.services import seed_demo
from webapp.extensions import db


@bp.cli.command("seed-demo")
def seed_demo_command():
    """Load the demo organizations, users and data (idempotent; never in production)."""
    if current_app.config["IS_PRODUCTION"]:
        raise click.ClickException("seed-demo refuses to run in production (PROVIDERDESK_ENV=production).")
    password = current_app.config["DEMO_PASSWORD"]
    logins = seed_demo(password)
    db.session.commit()
    click.echo("Demo data ready. Demo logins (password for all: %s):" % password)
    for login in logins:
        click.echo(f"  {login.email:<24} {login.role:<28} {login.works_for}")
