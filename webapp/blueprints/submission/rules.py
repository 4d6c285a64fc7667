"""The scrubbing rules as data (data/submission/scrub_rules.csv: rule, applies_to, message) and the code
lists the plan loads (procedure codes with their unit maximum and allowed modifiers; ICD-10-CM codes)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "submission"


@dataclass(frozen=True)
class Rule:
    rule: str
    applies_to: str  # field, claim, line or diagnosis
    message: str


@dataclass(frozen=True)
class ProcedureCode:
    code: str
    description: str
    max_units: int
    modifiers: frozenset[str]


def _read(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    return {row["rule"]: Rule(row["rule"], row["applies_to"], row["message"]) for row in _read("scrub_rules.csv")}


@lru_cache(maxsize=1)
def procedure_codes() -> dict[str, ProcedureCode]:
    return {row["code"]: ProcedureCode(row["code"], row["description"], int(row["max_units"]),
                                       frozenset(m for m in row["modifiers"].split(":") if m))
            for row in _read("procedure_codes.csv")}


@lru_cache(maxsize=1)
def diagnosis_codes() -> dict[str, str]:
    return {row["code"]: row["description"] for row in _read("diagnosis_codes.csv")}
