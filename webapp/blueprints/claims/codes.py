"""The remittance code lists (CARC, RARC and the group codes) as data: data/remittance_codes.csv."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import RemittanceCode

CODES_FILE = Path(__file__).resolve().parents[3] / "data" / "remittance_codes.csv"
CODE_COLUMNS = ["kind", "code", "short_text", "explanation", "action"]
KINDS = ("CARC", "RARC", "GROUP")


class CodesFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def load_codes(text: str) -> int:
    """Add or update the code list from CSV text; all rows or none (the caller commits)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in CODE_COLUMNS if name not in header]
    if missing:
        raise CodesFailed([f"line 1: the header lacks {', '.join(missing)}"])
    reader.fieldnames = header
    errors, values, seen = [], {}, set()
    for row in reader:
        line = reader.line_num
        row = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        kind, code = row["kind"].upper(), row["code"].upper()
        if kind not in KINDS:
            errors.append(f"line {line}: kind {row['kind']!r} must be CARC, RARC or GROUP")
        elif not code.isalnum() or len(code) > 7:
            errors.append(f"line {line}: code {row['code']!r} must be 1-7 letters and digits")
        elif not (row["short_text"] and row["explanation"] and row["action"]):
            errors.append(f"line {line}: short_text, explanation and action are all needed")
        elif (kind, code) in seen:
            errors.append(f"line {line}: {kind} {code} appears twice in the file")
        else:
            seen.add((kind, code))
            values[(kind, code)] = dict(kind=kind, code=code, short_text=row["short_text"],
                                        explanation=row["explanation"], action=row["action"])
    if errors:
        raise CodesFailed(errors)
    existing = {(c.kind, c.code): c for c in db.session.scalars(select(RemittanceCode))}
    for key, item in values.items():
        row = existing.get(key)
        if row is None:
            db.session.add(RemittanceCode(**item))
        else:
            for name, value in item.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
    db.session.flush()
    return len(values)


def code_book(adjustments) -> dict[tuple[str, str], RemittanceCode]:
    """The entries for the group, reason and remark codes of these adjustments: {(kind, code): entry}."""
    wanted = set()
    for a in adjustments:
        wanted |= {("GROUP", a.group_code), ("CARC", a.reason_code)}
        if a.remark_code:
            wanted.add(("RARC", a.remark_code))
    if not wanted:
        return {}
    codes = {code for _, code in wanted}
    rows = db.session.scalars(select(RemittanceCode).where(RemittanceCode.code.in_(codes)))
    return {(r.kind, r.code): r for r in rows if (r.kind, r.code) in wanted}


def all_codes(kind: str) -> list[RemittanceCode]:
    return list(db.session.scalars(select(RemittanceCode).where(RemittanceCode.kind == kind)))
