"""Scrubbing a submitted professional claim before it is sent: every rule of rules.py's data file is
checked here, and each problem names the field (and service line) with the rule's message."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from webapp.blueprints.submission import rules as rule_data
from webapp.extensions import db
from webapp.identifiers import is_valid_npi, is_valid_tax_id
from webapp.models import Claim, ClaimStatus, Member, Provider, ServiceLine

MAX_DIAGNOSES = 12
MAX_LINES = 6  # the rows of the form (the CMS-1500's six)
MAX_MODIFIERS = 4
CPT = re.compile(r"^\d{5}$")
HCPCS = re.compile(r"^[A-Z]\d{4}$")
ICD10 = re.compile(r"^[A-TV-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$")
PLACE_OF_SERVICE = re.compile(r"^\d{2}$")
LINE_FIELDS = ["from", "to", "pos", "code", "mod1", "mod2", "mod3", "mod4", "units", "charge", "pointers"]
LINE_LABELS = {"from": "Date of Service From", "to": "Date of Service To", "pos": "Place of Service",
               "code": "CPT/HCPCS", "mod1": "Modifier 1", "mod2": "Modifier 2", "mod3": "Modifier 3",
               "mod4": "Modifier 4", "units": "Units", "charge": "Charge", "pointers": "Diagnosis Pointer"}
CLAIM_LABELS = {"billing_provider_id": "Billing Provider", "rendering_npi": "Rendering Provider NPI",
                "member_id": "Member ID", "patient_account": "Patient Account Number",
                "prior_authorization": "Prior Authorization Number", "referral_number": "Referral Number"}


def line_key(number: int, name: str) -> str:
    return f"line{number}_{name}"


def diagnosis_key(number: int) -> str:
    return f"dx{number}"


def field_label(key: str) -> str:
    if key.startswith("line") and "_" in key:
        number, name = key[4:].split("_", 1)
        return LINE_LABELS.get(name, name)
    if key.startswith("dx"):
        return f"Diagnosis {key[2:]}"
    return CLAIM_LABELS.get(key, key)


@dataclass
class Problem:
    rule: str
    field: str  # the form key, e.g. "line2_from"
    message: str
    line: int | None = None

    @property
    def where(self) -> str:
        label = field_label(self.field)
        return f"Line {self.line}, {label}" if self.line else label

    def as_dict(self) -> dict:
        return {"rule": self.rule, "field": self.field, "message": self.message, "line": self.line}


@dataclass
class ParsedLine:
    number: int
    service_from: date | None = None
    service_to: date | None = None
    place_of_service: str = ""
    code: str = ""
    modifiers: list[str] = field(default_factory=list)
    units: int | None = None
    charge_cents: int | None = None
    pointers: list[int] = field(default_factory=list)


@dataclass
class ParsedClaim:
    billing_provider: Provider | None
    rendering_npi: str
    member: Member | None
    diagnoses: list[str]
    lines: list[ParsedLine]
    patient_account: str
    prior_authorization: str
    referral_number: str


@dataclass
class Context:
    """What the rules compare against: today, the timely filing limit and the user's providers."""
    today: date
    timely_filing_days: int
    providers: list[Provider]  # the user's collection
    visible_members: object  # a select() of the members the office may bill for


def _problem(rule: str, key: str, line: int | None = None, **extra) -> Problem:
    template = rule_data.rules()[rule].message
    return Problem(rule, key, template.format(field=field_label(key), **extra), line)


def parse_date(raw: str) -> date | None:
    raw = raw.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def parse_charge(raw: str) -> int | None:
    try:
        amount = Decimal(raw.strip().replace(",", "").lstrip("$"))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**7:
        return None
    return int(amount * 100)


def entered_lines(values: dict) -> list[int]:
    """Numbers of the line rows with anything typed in them."""
    return [n for n in range(1, MAX_LINES + 1)
            if any(values.get(line_key(n, name), "").strip() for name in LINE_FIELDS)]


def us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


# --- the rules ----------------------------------------------------------------------------------

def check_claim_fields(values: dict, context: Context) -> tuple[list[Problem], Provider | None, Member | None]:
    problems: list[Problem] = []
    provider = None
    raw_provider = values.get("billing_provider_id", "").strip()
    if not raw_provider:
        problems.append(_problem("required", "billing_provider_id"))
    else:
        provider = next((p for p in context.providers if str(p.id) == raw_provider), None)
        if provider is None:
            problems.append(_problem("billing_provider_in_collection", "billing_provider_id"))
        else:
            if not is_valid_npi(provider.npi):
                problems.append(_problem("npi_check_digit", "billing_provider_id", value=provider.npi))
            if not is_valid_tax_id(provider.tax_id):
                problems.append(_problem("tax_id_shape", "billing_provider_id", value=provider.tax_id))
    rendering = values.get("rendering_npi", "").strip()
    if not rendering:
        problems.append(_problem("required", "rendering_npi"))
    elif not is_valid_npi(rendering):
        problems.append(_problem("npi_check_digit", "rendering_npi", value=rendering))
    member = None
    member_id = values.get("member_id", "").strip().upper()
    if not member_id:
        problems.append(_problem("required", "member_id"))
    else:
        member = db.session.scalar(context.visible_members.where(Member.member_id == member_id))
        if member is None:
            problems.append(_problem("member_known", "member_id", value=member_id))
    return problems, provider, member


def check_diagnoses(values: dict) -> tuple[list[Problem], list[str]]:
    problems, codes, gap = [], [], None
    known = rule_data.diagnosis_codes()
    for number in range(1, MAX_DIAGNOSES + 1):
        key = diagnosis_key(number)
        code = values.get(key, "").strip().upper()
        if not code:
            gap = gap or key
            continue
        if gap:
            problems.append(_problem("diagnosis_sequence", gap))
            gap = None
        codes.append(code)
        if not ICD10.match(code):
            problems.append(_problem("diagnosis_code_shape", key, value=code))
        elif code not in known:
            problems.append(_problem("diagnosis_code_known", key, value=code))
    if not codes:
        problems.append(_problem("diagnosis_needed", diagnosis_key(1)))
    return problems, codes


def check_line(values: dict, number: int, diagnosis_count: int, member: Member | None,
               context: Context) -> tuple[list[Problem], ParsedLine]:
    problems: list[Problem] = []
    parsed = ParsedLine(number)

    def raw(name: str) -> str:
        return values.get(line_key(number, name), "").strip()

    def add(rule: str, name: str, **extra):
        problems.append(_problem(rule, line_key(number, name), number, **extra))

    # Dates: shape, order, then each against today, the coverage and the filing limit.
    for name in ("from", "to"):
        text = raw(name) if name == "from" or raw("to") else raw("from")
        if not text:
            add("required", name)
            continue
        day = parse_date(text)
        if day is None:
            add("date_shape", name, value=text)
        elif name == "from":
            parsed.service_from = day
        else:
            parsed.service_to = day
    if parsed.service_from and parsed.service_to and parsed.service_to < parsed.service_from:
        add("date_order", "to")
    for name, day in (("from", parsed.service_from), ("to", parsed.service_to)):
        if day is None or (name == "to" and day == parsed.service_from):
            continue
        if day > context.today:
            add("date_not_future", name, value=us(day))
            continue
        if (context.today - day).days > context.timely_filing_days:
            add("timely_filing", name, value=us(day), days=context.timely_filing_days)
        if member is not None:
            starts = [c.start_date for c in member.coverage]
            if starts and day < min(starts):
                add("date_not_before_coverage", name, value=us(day), coverage_start=us(min(starts)))
            elif not any(c.covers(day) for c in member.coverage):
                add("member_active", name, value=us(day))
    pos = raw("pos")
    if not pos:
        add("required", "pos")
    elif not PLACE_OF_SERVICE.match(pos):
        add("place_of_service_shape", "pos", value=pos)
    parsed.place_of_service = pos
    code = raw("code").upper()
    parsed.code = code
    procedure = None
    if not code:
        add("required", "code")
    elif not (CPT.match(code) or HCPCS.match(code)):
        add("procedure_code_shape", "code", value=code)
    else:
        procedure = rule_data.procedure_codes().get(code)
        if procedure is None:
            add("procedure_code_known", "code", value=code)
    for index in range(1, MAX_MODIFIERS + 1):
        modifier = raw(f"mod{index}").upper()
        if not modifier:
            continue
        parsed.modifiers.append(modifier)
        if procedure is not None and modifier not in procedure.modifiers:
            add("modifier_allowed", f"mod{index}", value=modifier, code=code)
        elif procedure is None and not re.fullmatch(r"[A-Z0-9]{2}", modifier):
            add("modifier_allowed", f"mod{index}", value=modifier, code=code or "(none)")
    units = raw("units")
    if not units:
        add("required", "units")
    elif not (units.isascii() and units.isdigit() and int(units) >= 1):
        add("units_minimum", "units", value=units)
    else:
        parsed.units = int(units)
        if procedure is not None and parsed.units > procedure.max_units:
            add("units_maximum", "units", value=units, maximum=procedure.max_units, code=code)
    charge = raw("charge")
    if not charge:
        add("required", "charge")
    else:
        parsed.charge_cents = parse_charge(charge)
        if parsed.charge_cents is None:
            add("charge_amount", "charge", value=charge)
    pointers = raw("pointers")
    parts = [p for p in re.split(r"[\s,]+", pointers) if p]
    valid = [int(p) for p in parts if p.isascii() and p.isdigit() and 1 <= int(p) <= max(diagnosis_count, 0)]
    if not parts or len(valid) != len(parts) or len(parts) > 4:
        add("diagnosis_pointer", "pointers", value=pointers or "(empty)")
    else:
        parsed.pointers = valid
    return problems, parsed


def check_duplicate(parsed: ParsedLine, member: Member | None, rendering_npi: str) -> Problem | None:
    """A line matching a claim already sent: same member, rendering provider, date of service and code."""
    if member is None or parsed.service_from is None or not parsed.code:
        return None
    claim_number = db.session.scalar(
        select(Claim.claim_number).join(ServiceLine, ServiceLine.claim_id == Claim.id)
        .where(Claim.member_id == member.id, Claim.provider_npi == rendering_npi,
               Claim.status != ClaimStatus.ORIGINAL, ServiceLine.service_from == parsed.service_from,
               ServiceLine.procedure_code == parsed.code).limit(1))
    if claim_number is None:
        return None
    return _problem("duplicate_claim", line_key(parsed.number, "code"), parsed.number, claim_number=claim_number)


def scrub(values: dict, context: Context) -> tuple[list[Problem], ParsedClaim]:
    """Every problem of the claim, in form order; a claim without problems is clean."""
    problems, provider, member = check_claim_fields(values, context)
    diagnosis_problems, diagnoses = check_diagnoses(values)
    problems += diagnosis_problems
    numbers = entered_lines(values)
    if not numbers:
        problems.append(_problem("line_needed", line_key(1, "from")))
    lines = []
    rendering = values.get("rendering_npi", "").strip()
    for number in numbers:
        line_problems, parsed = check_line(values, number, len(diagnoses), member, context)
        problems += line_problems
        duplicate = check_duplicate(parsed, member, rendering)
        if duplicate:
            problems.append(duplicate)
        lines.append(parsed)
    claim = ParsedClaim(billing_provider=provider, rendering_npi=rendering, member=member, diagnoses=diagnoses,
                        lines=lines, patient_account=values.get("patient_account", "").strip(),
                        prior_authorization=values.get("prior_authorization", "").strip(),
                        referral_number=values.get("referral_number", "").strip())
    return problems, claim
