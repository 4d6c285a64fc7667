from pathlib import Path

import click

from webapp.blueprints.claims import bp
from webapp.blueprints.claims.codes import CodesFailed, load_codes
from webapp.blueprints.claims.services import (ImportFailed, import_claim_lines, import_claims, import_coverage,
                                               import_diagnoses, import_members, import_payments)
from webapp.extensions import db


def _run(importer, path: str, what: str) -> None:
    try:
        count = importer(Path(path).read_text(encoding="utf-8-sig"))
    except (ImportFailed, CodesFailed) as failed:
        db.session.rollback()
        for error in failed.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"Nothing imported: {len(failed.errors)} problem(s) in {path}.") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"Nothing imported: {path} is not UTF-8 text.") from None
    db.session.commit()
    click.echo(f"Imported {count} {what}.")


def _command(name: str, importer, what: str, help_text: str):
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def command(path):
        _run(importer, path, what)
    command.__doc__ = help_text
    bp.cli.command(name)(command)


_command("members", import_members, "members", "Add or update members from a CSV file (header row: see README).")
_command("coverage", import_coverage, "coverage periods",
         "Coverage periods with benefits (members first); a member's periods in the file replace theirs.")
_command("claims", import_claims, "claims", "Add or update claims from a CSV file (members must be imported first).")
_command("claim-lines", import_claim_lines, "service lines",
         "Service lines with adjustments (claims first); a claim's lines in the file replace its lines.")
_command("diagnoses", import_diagnoses, "diagnoses", "Claim diagnoses (ICD-10-CM); replace each listed claim's list.")
_command("payments", import_payments, "payments", "Checks and EFTs paying claims by check_number (claims first).")
_command("codes", load_codes, "codes", "The CARC / RARC / group code list (data/remittance_codes.csv).")
