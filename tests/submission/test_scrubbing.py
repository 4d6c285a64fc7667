"""Every scrubbing rule of data/submission/scrub_rules.csv, each with a passing and a failing example."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.submission.helpers import clean_values, context, load_members, user
from webapp.blueprints.submission import rules
from webapp.blueprints.submission.scrubbing import scrub
from webapp.blueprints.submission.services import new_draft, save_values, submit
from webapp.extensions import db
from webapp.models import Provider

BOTH_LINES = lambda day: {"line1_from": day, "line2_from": day}  # noqa: E731

# rule: (changes that pass, changes that fail, field the failure names, its line)
CASES = {
    "required": ({"referral_number": None}, {"member_id": None}, "member_id", None),
    "billing_provider_in_collection": ({}, {"billing_provider_id": "HARBOR"}, "billing_provider_id", None),
    "npi_check_digit": ({"rendering_npi": "1234567893"}, {"rendering_npi": "1987654321"}, "rendering_npi", None),
    "member_known": ({"member_id": "s100"}, {"member_id": "ZZ999"}, "member_id", None),
    "date_shape": ({"line1_from": "2026-11-03"}, {"line1_from": "13/45/2026"}, "line1_from", 1),
    "date_order": ({"line1_to": "11/03/2026"}, {"line1_to": "11/01/2026"}, "line1_to", 1),
    "date_not_future": ({"line2_from": "11/16/2026"}, {"line2_from": "11/17/2026"}, "line2_from", 2),
    "date_not_before_coverage": ({"member_id": "S200", **BOTH_LINES("06/01/2026")},
                                 {"member_id": "S200", **BOTH_LINES("05/31/2026")}, "line1_from", 1),
    "member_active": ({"member_id": "S200", **BOTH_LINES("08/31/2026")},
                      {"member_id": "S200", **BOTH_LINES("09/01/2026")}, "line1_from", 1),
    "timely_filing": (BOTH_LINES("05/20/2026"), BOTH_LINES("05/19/2026"), "line1_from", 1),
    "procedure_code_shape": ({"line2_code": "J1030"}, {"line2_code": "9921"}, "line2_code", 2),
    "procedure_code_known": ({"line2_code": "99214", "line2_mod1": "25"}, {"line2_code": "99999"}, "line2_code", 2),
    "diagnosis_code_shape": ({"dx2": "Z23"}, {"dx2": "E1"}, "dx2", None),
    "diagnosis_code_known": ({"dx2": "J02.0"}, {"dx2": "E11.99"}, "dx2", None),
    "diagnosis_needed": ({"dx2": None, "line1_pointers": "1"},
                         {"dx1": None, "dx2": None}, "dx1", None),
    "diagnosis_sequence": ({"dx3": "Z23"}, {"dx2": None, "dx3": "Z23"}, "dx2", None),
    "line_needed": ({}, {f"line{n}_{f}": None for n in (1, 2) for f in
                        ("from", "pos", "code", "mod1", "units", "charge", "pointers")}, "line1_from", None),
    "place_of_service_shape": ({"line1_pos": "22"}, {"line1_pos": "1A"}, "line1_pos", 1),
    "modifier_allowed": ({"line1_mod2": "95"}, {"line1_mod2": "59"}, "line1_mod2", 1),
    "units_minimum": ({"line2_units": "1"}, {"line2_units": "0"}, "line2_units", 2),
    "units_maximum": ({"line2_code": "36415", "line2_units": "3"}, {"line2_code": "36415", "line2_units": "4"},
                      "line2_units", 2),
    "charge_amount": ({"line2_charge": "$1,040.50"}, {"line2_charge": "40.123"}, "line2_charge", 2),
    "diagnosis_pointer": ({"line2_pointers": "2"}, {"line2_pointers": "3"}, "line2_pointers", 2),
}


@pytest.fixture
def members(demo):
    with demo.app_context():
        load_members()
        yield demo


def _values(changes: dict) -> dict:
    changes = dict(changes)
    if changes.get("billing_provider_id") == "HARBOR":
        changes["billing_provider_id"] = str(db.session.scalar(select(Provider.id).where(Provider.npi == "1555555550")))
    return clean_values(**changes)


def test_the_clean_example_passes_every_rule(members):
    problems, parsed = scrub(clean_values(), context())
    assert problems == []
    assert parsed.member.member_id == "S100" and [line.charge_cents for line in parsed.lines] == [12500, 4000]


def test_every_rule_in_the_data_file_has_a_case():
    tested = set(CASES) | {"tax_id_shape", "duplicate_claim"}
    assert tested == set(rules.rules())
    assert all(rule.message for rule in rules.rules().values())


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_passes_and_fails(members, rule):
    passing, failing, field, line = CASES[rule]
    problems, _ = scrub(_values(passing), context())
    assert rule not in {p.rule for p in problems}, problems
    problems, _ = scrub(_values(failing), context())
    matching = [p for p in problems if p.rule == rule]
    assert matching, problems
    assert matching[0].field == field and matching[0].line == line
    assert matching[0].message and "{" not in matching[0].message


def test_tax_id_shape(members):
    assert "tax_id_shape" not in {p.rule for p in scrub(clean_values(), context())[0]}
    sunrise = db.session.scalar(select(Provider).where(Provider.npi == "1234567893"))
    sunrise.tax_id = "12345"  # not committed: a bad Tax ID on file
    problems, _ = scrub(clean_values(), context())
    assert [p.message for p in problems if p.rule == "tax_id_shape"] == [
        "The billing provider's Tax ID 12345 must be exactly 9 digits."]
    db.session.rollback()


def test_duplicate_of_a_claim_already_sent(members):
    staff = user("staff@sunrise.example")
    first = new_draft(staff)
    save_values(first, clean_values(), staff)
    assert submit(first, context(), _now()) == []
    problems, _ = scrub(clean_values(), context())
    duplicates = [p for p in problems if p.rule == "duplicate_claim"]
    assert [(p.line, p.field) for p in duplicates] == [(1, "line1_code"), (2, "line2_code")]
    assert first.claim.claim_number in duplicates[0].message
    other_day = clean_values(line1_from="11/03/2026", line2_from="11/03/2026")
    assert "duplicate_claim" not in {p.rule for p in scrub(other_day, context())[0]}


def _now():
    from datetime import datetime
    return datetime(2026, 11, 16, 10, 0)
