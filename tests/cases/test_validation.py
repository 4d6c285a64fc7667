"""Each Claim field is checked by the rules in services, with a message naming the field."""
from __future__ import annotations

from datetime import date

import pytest

from tests.cases.helpers import claim_form
from webapp.blueprints.cases.case_types import CASE_TYPES
from webapp.blueprints.cases.services import validate_case_input

TODAY = date(2026, 11, 23)
CLAIM = CASE_TYPES["claim"]
OWN_NPIS = {"1234567893", "1987654328"}


def check(**overrides):
    return validate_case_input(CLAIM, claim_form(**overrides), allowed_npis=OWN_NPIS, today=TODAY)


def test_a_complete_claim_is_clean_and_normalised():
    clean, errors = check()
    assert errors == {}
    assert clean["billed_amount"] == "1250.50"
    assert clean["date_of_service"] == "10/01/2026 - 10/03/2026"
    assert clean["date_submitted"] == "10/10/2026"
    assert "ect_number" not in clean


def test_the_claim_type_has_exactly_the_seed_fields_in_order():
    assert [(f.label, f.required) for f in CLAIM.fields] == [
        ("Contact Email", True), ("NPI", True), ("Action", True), ("Payer ID", True),
        ("Patient Name", True), ("Member ID", True), ("Date of Service", True),
        ("Billed Amount", True), ("Date Submitted", True), ("ECT Number", False),
        ("Patient Account Number", True), ("Subject", True), ("Description", True)]
    ect = next(f for f in CLAIM.fields if f.name == "ect_number")
    assert ect.disabled and ect.hint == "Do not use"


@pytest.mark.parametrize("name", [f.name for f in CLAIM.fields if f.required])
def test_every_required_field_must_be_filled(name):
    _, errors = check(**{name: "  "})
    assert list(errors) == [name]
    assert errors[name].startswith(("Enter the", "Choose the"))


def test_the_ect_number_is_ignored_even_when_sent():
    clean, errors = check(ect_number="123")
    assert errors == {} and "ect_number" not in clean


@pytest.mark.parametrize("value", ["sam@", "not an email", "a@b"])
def test_contact_email_must_be_an_address(value):
    assert "contact_email" in check(contact_email=value)[1]


@pytest.mark.parametrize("value, ok", [
    ("1234567893", True),      # the user's own group
    ("1987654328", True),      # a practitioner of that group
    ("1555555550", True),      # any valid NPI is accepted
    ("1234567890", False),     # wrong check digit
    ("123456789", False),      # 9 digits
    ("12345678931", False),
    ("abcdefghij", False),
])
def test_npi_must_be_own_or_valid(value, ok):
    assert ("npi" not in check(npi=value)[1]) is ok


@pytest.mark.parametrize("value, ok", [
    ("125", True), ("125.5", True), ("125.50", True), ("$1,250.50", True),
    ("0", False), ("0.00", False), ("-5", False), ("12.345", False), ("12,5", False), ("ten", False),
])
def test_billed_amount_is_positive_with_at_most_two_decimals(value, ok):
    assert ("billed_amount" not in check(billed_amount=value)[1]) is ok


@pytest.mark.parametrize("value, ok", [
    ("11/23/2026", True), ("2026-11-23", True), ("11/24/2026", False), ("13/01/2026", False),
    ("yesterday", False),
])
def test_date_submitted_is_a_date_not_in_the_future(value, ok):
    assert ("date_submitted" not in check(date_submitted=value)[1]) is ok


@pytest.mark.parametrize("value, ok", [
    ("10/01/2026", True), ("10/01/2026 - 10/05/2026", True), ("10/01/2026 to 10/05/2026", True),
    ("10/05/2026 - 10/01/2026", False), ("10/01/2026 - 12/01/2026", False), ("12/01/2026", False),
    ("10/01/2026 - 10/02/2026 - 10/03/2026", False),
])
def test_date_of_service_is_a_date_or_a_range_not_in_the_future(value, ok):
    assert ("date_of_service" not in check(date_of_service=value)[1]) is ok


def test_action_must_be_one_of_the_choices():
    assert check(action="Delete everything")[1] == {"action": "Choose an Action"}


@pytest.mark.parametrize("name", ["member_id", "patient_account_number"])
def test_identifiers_take_letters_digits_and_dashes_only(name):
    assert name in check(**{name: "W12<script>"})[1]


def test_lengths_are_limited():
    _, errors = check(subject="x" * 201, patient_name="y" * 101)
    assert set(errors) == {"subject", "patient_name"}


def test_enrollment_tax_id_is_padded_to_nine_digits():
    enrollment = CASE_TYPES["enrollment"]
    clean, errors = validate_case_input(
        enrollment, {"contact_email": "a@b.example", "npi": "1234567893", "tax_id": "123456",
                     "enrollment_request": "New enrollment", "subject": "s", "description": "d"},
        allowed_npis=OWN_NPIS, today=TODAY)
    assert errors == {} and clean["tax_id"] == "000123456"
