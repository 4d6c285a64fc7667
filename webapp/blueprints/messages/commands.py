import json
from pathlib import Path

import click

from webapp.blueprints.messages import bp
from webapp.blueprints.messages.services import RULES_FILE, RulesError, export_rules, load_rules_file
from webapp.extensions import db


@bp.cli.command("load-rules")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def load_rules_command(path):
    """Load Message Center categories, routing, required fields and deadlines from a JSON file."""
    try:
        counts = load_rules_file(Path(path) if path else RULES_FILE)
    except RulesError as exc:
        db.session.rollback()
        raise click.ClickException(f"Nothing changed: {exc}") from None
    db.session.commit()
    click.echo(f"Loaded {counts['categories']} categories and {counts['subcategories']} sub-categories.")


@bp.cli.command("export-rules")
def export_rules_command():
    """Print the rules in the database as JSON (edit, then load-rules)."""
    click.echo(json.dumps(export_rules(), indent=2))
