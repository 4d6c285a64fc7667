from pathlib import Path

import click

from webapp.blueprints.claims import bp
from webapp.blueprints.claims.services import ImportFailed, import_claims, import_members


def _run(importer, path: str, what: str) -> None:
    try:
        count = importer(Path(path).read_text(encoding="utf-8-sig"))
    except ImportFailed as failed:
        for error in failed.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"Nothing imported: {len(failed.errors)} problem(s) in {path}.") from None
    click.echo(f"Imported {count} {what}.")


@bp.cli.command("members")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_members_command(path):
    """Add or update members from a CSV file (header row: see README)."""
    _run(import_members, path, "members")


@bp.cli.command("claims")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_claims_command(path):
    """Add or update claims from a CSV file (members must be imported first)."""
    _run(import_claims, path, "claims")
