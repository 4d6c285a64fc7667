"""Members and claims: CSV import (all or nothing), searches scoped to the user's providers."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import bindparam, delete, func, insert, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.blueprints.claims.codes import CODES_FILE, load_codes
from webapp.extensions import db
from webapp.identifiers import is_valid_npi, is_valid_tax_id
from webapp.models import (Claim, ClaimDiagnosis, ClaimStatus, CoveragePeriod, LineAdjustment, Member, Payment,
                           Provider, ServiceLine, User)
from webapp.providers.services import active_providers
from webapp.statements import prepared

DEMO_DIR = Path(__file__).resolve().parents[3] / "data" / "demo"

MEMBER_COLUMNS = ["member_id", "first_name", "last_name", "date_of_birth", "gender", "city", "plan",
                  "eligible_from", "eligible_to", "pcp_npi"]
MEMBER_OPTIONAL = ["language", "health_network", "line_of_business", "pcp_name", "address", "state",
                   "postal_code", "phone", "email", "patient_account"]
CLAIM_COLUMNS = ["claim_number", "member_id", "provider_npi", "tax_id", "service_from", "service_to",
                 "received_date", "paid_date", "billed_amount", "paid_amount", "status",
                 "denial_reason", "check_number"]
CLAIM_OPTIONAL = ["interest_amount", "replaced_by", "service_provider_name", "service_provider_address",
                  "service_provider_phone", "service_provider_fax", "payment_provider_name",
                  "payment_provider_npi", "payment_provider_address", "payment_provider_phone",
                  "payment_provider_fax"]
COVERAGE_COLUMNS = ["member_id", "start_date", "end_date", "plan", "line_of_business", "health_network",
                    "pcp_npi", "copay_primary", "copay_specialist", "copay_urgent", "copay_emergency",
                    "coinsurance_percent", "deductible", "deductible_met", "out_of_pocket_max",
                    "out_of_pocket_met"]
LINE_COLUMNS = ["claim_number", "line_number", "service_from", "service_to", "procedure_code", "modifiers",
                "units", "billed_amount", "allowed_amount", "deductible", "coinsurance", "copay",
                "paid_amount", "adjustments"]
DIAGNOSIS_COLUMNS = ["claim_number", "sequence", "code", "description"]
PAYMENT_COLUMNS = ["trace_number", "method", "payment_date", "amount", "payee_tax_id", "payee_name",
                   "payee_npi", "payee_address"]
PAYMENT_OPTIONAL = ["payer_routing", "payer_account", "payee_routing", "payee_account"]  # needed for EFT
STATUS_BY_LABEL = {status.label.lower(): status for status in ClaimStatus}
GROUP_CODES = ("CO", "PR", "OA", "PI")
# Patient-responsibility reason codes and the line field each one fills.
PATIENT_SHARE_CARCS = {"1": "deductible_cents", "2": "coinsurance_cents", "3": "copay_cents"}
PROCEDURE_CODE = re.compile(r"^(\d{4}[0-9FTU]|[A-V]\d{4})$")  # CPT (incl. Category II/III) or HCPCS
MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
ICD10 = re.compile(r"^[A-TV-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$")
ADJUSTMENT = re.compile(r"^(?P<group>[A-Z]{2})-(?P<carc>[A-Z]?\d{1,3})(/(?P<rarc>[A-Z]{1,2}\d{1,4}))?"
                        r":(?P<amount>-?\d+(\.\d{1,2})?)$")
RESULT_LIMIT = 100


class ImportFailed(Exception):
    """The file was not imported; `errors` are "line N: ..." messages."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- import -----------------------------------------------------------------------------------

def _parse_date(raw: str, column: str, required: bool = True) -> date | None:
    raw = raw.strip()
    if not raw:
        if required:
            raise ValueError(f"{column} is empty")
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{column} {raw!r} is not a date (YYYY-MM-DD or MM/DD/YYYY)")


def _parse_cents(raw: str, column: str) -> int:
    try:
        amount = Decimal(raw.strip().replace(",", "").lstrip("$") or "0")
    except InvalidOperation:
        raise ValueError(f"{column} {raw!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**9:
        raise ValueError(f"{column} {raw!r} must be zero or more with at most two decimals")
    return int(amount * 100)


def _parse_int(raw: str, column: str, low: int, high: int) -> int:
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{column} {raw!r} must be a whole number from {low} to {high}")
    return int(raw)


def _text(row: dict, column: str, limit: int) -> str | None:
    value = row.get(column, "")
    if len(value) > limit:
        raise ValueError(f"{column} is longer than {limit} characters")
    return value or None


def _rows(text: str, columns: list[str], optional: list[str] = ()):
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportFailed([f"line 1: the header lacks {', '.join(missing)}"])
    reader.fieldnames = header
    for row in reader:
        values = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
        for name in optional:
            values.setdefault(name, "")
        yield reader.line_num, values


def _collect(text: str, columns: list[str], parse, key=None, optional: list[str] = (),
             errors: list[str] | None = None) -> list[tuple[int, dict]]:
    """Parse every row; raise ImportFailed listing every bad line, or return (line, values) pairs.
    Given an `errors` list, bad lines are added to it instead (the caller checks more, then raises)."""
    collecting = errors is not None
    errors, values, seen = (errors if collecting else []), [], {}
    for line, row in _rows(text, columns, optional):
        try:
            item = parse(row)
            if key is not None:
                item_key = key(item)
                if item_key in seen:
                    raise ValueError(f"{item_key} appears twice in the file (also line {seen[item_key]})")
                seen[item_key] = line
            values.append((line, item))
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if errors and not collecting:
        raise ImportFailed(errors)
    return values


def _line_order(error: str) -> int:
    return int(error.split(":", 1)[0].removeprefix("line "))


def _upsert(model, key_column: str, values: list[dict]) -> None:
    keys = [item[key_column] for item in values]
    existing = {}
    for start in range(0, len(keys), 500):
        column = getattr(model, key_column)
        existing.update({getattr(row, key_column): row for row in
                         db.session.scalars(select(model).where(column.in_(keys[start:start + 500])))})
    for item in values:
        row = existing.get(item[key_column])
        if row is None:
            db.session.add(model(**item))
        else:
            for key, value in item.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)


def _member_values(row: dict) -> dict:
    if not row["member_id"].isalnum() or len(row["member_id"]) > 20:
        raise ValueError(f"member_id {row['member_id']!r} must be 1-20 letters and digits")
    for column in ("first_name", "last_name", "city", "plan"):
        if not row[column]:
            raise ValueError(f"{column} is empty")
    gender = row["gender"].upper() or None
    if gender not in (None, "F", "M", "U", "X"):
        raise ValueError(f"gender {row['gender']!r} must be F, M, U or X")
    pcp = row["pcp_npi"] or None
    if pcp and not is_valid_npi(pcp):
        raise ValueError(f"pcp_npi {pcp!r} is not a valid NPI")
    state = row["state"].upper()
    if state and not (len(state) == 2 and state.isalpha()):
        raise ValueError(f"state {row['state']!r} must be a two-letter code")
    return dict(member_id=row["member_id"].upper(), first_name=row["first_name"], last_name=row["last_name"],
                date_of_birth=_parse_date(row["date_of_birth"], "date_of_birth"), gender=gender,
                city=row["city"], plan=row["plan"],
                eligible_from=_parse_date(row["eligible_from"], "eligible_from", required=False),
                eligible_to=_parse_date(row["eligible_to"], "eligible_to", required=False), pcp_npi=pcp,
                language=_text(row, "language", 40), health_network=_text(row, "health_network", 80),
                line_of_business=_text(row, "line_of_business", 40), pcp_name=_text(row, "pcp_name", 120),
                address=_text(row, "address", 200), state=state or None,
                postal_code=_text(row, "postal_code", 10), phone=_text(row, "phone", 20),
                email=_text(row, "email", 120), patient_account=_text(row, "patient_account", 30))


def import_members(text: str) -> int:
    """Add or update members from CSV text; all rows or none (the caller commits)."""
    values = [item for _, item in _collect(text, MEMBER_COLUMNS, _member_values,
                                            key=lambda item: f"member_id {item['member_id']}",
                                            optional=MEMBER_OPTIONAL)]
    _upsert(Member, "member_id", values)
    db.session.flush()
    return len(values)


def _known(model, column) -> dict[str, int]:
    return dict(db.session.execute(select(column, model.id)).all())


def _coverage_values(row: dict, members: dict[str, int]) -> dict:
    member_pk = members.get(row["member_id"].upper())
    if member_pk is None:
        raise ValueError(f"member_id {row['member_id']!r} is not a known member (import members first)")
    start = _parse_date(row["start_date"], "start_date")
    end = _parse_date(row["end_date"], "end_date", required=False)
    if end and end < start:
        raise ValueError("end_date is before start_date")
    for column in ("plan", "line_of_business"):
        if not row[column]:
            raise ValueError(f"{column} is empty")
    pcp = row["pcp_npi"] or None
    if pcp and not is_valid_npi(pcp):
        raise ValueError(f"pcp_npi {pcp!r} is not a valid NPI")
    item = dict(member_id=member_pk, start_date=start, end_date=end, plan=_text(row, "plan", 80),
                line_of_business=_text(row, "line_of_business", 40),
                health_network=_text(row, "health_network", 80), pcp_npi=pcp,
                coinsurance_percent=_parse_int(row["coinsurance_percent"] or "0", "coinsurance_percent", 0, 100))
    for column in ("copay_primary", "copay_specialist", "copay_urgent", "copay_emergency", "deductible",
                   "deductible_met", "out_of_pocket_max", "out_of_pocket_met"):
        item[f"{column}_cents"] = _parse_cents(row[column], column)
    if item["deductible_met_cents"] > item["deductible_cents"]:
        raise ValueError("deductible_met is more than the deductible")
    if item["out_of_pocket_met_cents"] > item["out_of_pocket_max_cents"]:
        raise ValueError("out_of_pocket_met is more than out_of_pocket_max")
    return item


def import_coverage(text: str) -> int:
    """Coverage periods with their benefits. The periods of each member in the file replace that
    member's periods; overlapping periods of one member are refused."""
    members = _known(Member, Member.member_id)
    rows = _collect(text, COVERAGE_COLUMNS, lambda row: _coverage_values(row, members),
                    key=lambda item: f"member {item['member_id']} from {item['start_date']}")
    by_member: dict[int, list[tuple[int, dict]]] = {}
    for line, item in rows:
        by_member.setdefault(item["member_id"], []).append((line, item))
    errors = []
    for periods in by_member.values():
        periods.sort(key=lambda pair: pair[1]["start_date"])
        for (_, earlier), (line, later) in zip(periods, periods[1:]):
            if earlier["end_date"] is None or earlier["end_date"] >= later["start_date"]:
                errors.append(f"line {line}: this period overlaps the one from {earlier['start_date']}")
    if errors:
        raise ImportFailed(errors)
    db.session.execute(delete(CoveragePeriod).where(CoveragePeriod.member_id.in_(list(by_member))))
    db.session.execute(insert(CoveragePeriod), [item for _, item in rows])
    db.session.flush()
    return len(rows)


def _claim_values(row: dict, members: dict[str, int]) -> dict:
    if not row["claim_number"].isalnum() or len(row["claim_number"]) > 20:
        raise ValueError(f"claim_number {row['claim_number']!r} must be 1-20 letters and digits")
    member_pk = members.get(row["member_id"].upper())
    if member_pk is None:
        raise ValueError(f"member_id {row['member_id']!r} is not a known member (import members first)")
    if not is_valid_npi(row["provider_npi"]):
        raise ValueError(f"provider_npi {row['provider_npi']!r} is not a valid NPI")
    if not is_valid_tax_id(row["tax_id"]):
        raise ValueError(f"tax_id {row['tax_id']!r} must be exactly 9 digits")
    status = STATUS_BY_LABEL.get(row["status"].lower())
    if status is None:
        raise ValueError(f"status {row['status']!r} must be In Progress, Check Pending, Finalized or Original Claim")
    service_from = _parse_date(row["service_from"], "service_from")
    service_to = _parse_date(row["service_to"], "service_to", required=False) or service_from
    if service_to < service_from:
        raise ValueError("service_to is before service_from")
    billed = _parse_cents(row["billed_amount"], "billed_amount")
    if billed <= 0:
        raise ValueError("billed_amount must be more than zero")
    payment_npi = row["payment_provider_npi"] or None
    if payment_npi and not is_valid_npi(payment_npi):
        raise ValueError(f"payment_provider_npi {payment_npi!r} is not a valid NPI")
    check = row["check_number"] or None
    if check and (not check.isalnum() or len(check) > 20):
        raise ValueError(f"check_number {check!r} must be 1-20 letters and digits")
    return dict(claim_number=row["claim_number"], member_id=member_pk, provider_npi=row["provider_npi"],
                tax_id=row["tax_id"], service_from=service_from, service_to=service_to,
                received_date=_parse_date(row["received_date"], "received_date"),
                paid_date=_parse_date(row["paid_date"], "paid_date", required=False),
                billed_cents=billed, paid_cents=_parse_cents(row["paid_amount"] or "0", "paid_amount"),
                status=status, denial_reason=row["denial_reason"][:200] or None, check_number=check,
                interest_cents=_parse_cents(row["interest_amount"] or "0", "interest_amount"),
                replaced_by=_text(row, "replaced_by", 20),
                service_provider_name=_text(row, "service_provider_name", 120),
                service_provider_address=_text(row, "service_provider_address", 200),
                service_provider_phone=_text(row, "service_provider_phone", 20),
                service_provider_fax=_text(row, "service_provider_fax", 20),
                payment_provider_name=_text(row, "payment_provider_name", 120), payment_provider_npi=payment_npi,
                payment_provider_address=_text(row, "payment_provider_address", 200),
                payment_provider_phone=_text(row, "payment_provider_phone", 20),
                payment_provider_fax=_text(row, "payment_provider_fax", 20))


def import_claims(text: str) -> int:
    """Add or update claims from CSV text; all rows or none. Members must exist already."""
    members = _known(Member, Member.member_id)
    values = [item for _, item in _collect(text, CLAIM_COLUMNS, lambda row: _claim_values(row, members),
                                            key=lambda item: f"claim_number {item['claim_number']}",
                                            optional=CLAIM_OPTIONAL)]
    _upsert(Claim, "claim_number", values)
    db.session.flush()
    return len(values)


def parse_adjustments(raw: str) -> list[dict]:
    """`CO-45:40.00;PR-2:12.50;CO-50/N115:80.00` -> adjustment values (group, CARC, RARC, cents)."""
    adjustments = []
    for part in filter(None, (piece.strip() for piece in raw.split(";"))):
        match = ADJUSTMENT.match(part.upper())
        if match is None:
            raise ValueError(f"adjustment {part!r} must look like CO-45:40.00 or CO-50/N115:80.00")
        if match["group"] not in GROUP_CODES:
            raise ValueError(f"adjustment {part!r}: the group code must be CO, PR, OA or PI")
        amount = Decimal(match["amount"])
        adjustments.append(dict(group_code=match["group"], reason_code=match["carc"],
                                remark_code=match["rarc"], amount_cents=int(amount * 100)))
    return adjustments


def _line_values(row: dict, claims: dict[str, int]) -> dict:
    claim_pk = claims.get(row["claim_number"])
    if claim_pk is None:
        raise ValueError(f"claim_number {row['claim_number']!r} is not a known claim (import claims first)")
    code = row["procedure_code"].upper()
    if not PROCEDURE_CODE.match(code):
        raise ValueError(f"procedure_code {row['procedure_code']!r} is not a CPT or HCPCS code")
    modifiers = [m for m in row["modifiers"].upper().replace(" ", "").split(":") if m]
    if len(modifiers) > 4 or not all(MODIFIER.match(m) for m in modifiers):
        raise ValueError(f"modifiers {row['modifiers']!r}: at most 4 two-character modifiers, separated by ':'")
    start = _parse_date(row["service_from"], "service_from")
    end = _parse_date(row["service_to"], "service_to", required=False) or start
    if end < start:
        raise ValueError("service_to is before service_from")
    item = dict(claim_id=claim_pk, line_number=_parse_int(row["line_number"], "line_number", 1, 999),
                service_from=start, service_to=end, procedure_code=code, modifiers=":".join(modifiers),
                units=_parse_int(row["units"], "units", 1, 9999))
    for column, field in (("billed_amount", "billed_cents"), ("allowed_amount", "allowed_cents"),
                          ("deductible", "deductible_cents"), ("coinsurance", "coinsurance_cents"),
                          ("copay", "copay_cents"), ("paid_amount", "paid_cents")):
        item[field] = _parse_cents(row[column], column)
    if item["billed_cents"] <= 0:
        raise ValueError("billed_amount must be more than zero")
    if item["allowed_cents"] > item["billed_cents"]:
        raise ValueError("allowed_amount is more than billed_amount")
    adjustments = parse_adjustments(row["adjustments"])
    check_line_balances(item, adjustments)
    item["adjustments"] = adjustments
    return item


def check_line_balances(line: dict, adjustments: list[dict]) -> None:
    """An adjudicated line balances as the 835 requires: billed less its adjustments is paid, and the
    patient-share fields are the PR-1/2/3 adjustments. An unadjudicated line has nothing but billed."""
    money_of = lambda cents: f"${cents / 100:,.2f}"  # noqa: E731
    if not adjustments:
        if line["paid_cents"] or line["allowed_cents"] or any(
                line[field] for field in PATIENT_SHARE_CARCS.values()):
            raise ValueError("a line with amounts allowed or paid needs its adjustments")
        return
    total = sum(a["amount_cents"] for a in adjustments)
    if line["billed_cents"] - total != line["paid_cents"]:
        raise ValueError(f"billed {money_of(line['billed_cents'])} less adjustments {money_of(total)} "
                         f"is not the paid amount {money_of(line['paid_cents'])}")
    for carc, field in PATIENT_SHARE_CARCS.items():
        share = sum(a["amount_cents"] for a in adjustments if a["group_code"] == "PR" and a["reason_code"] == carc)
        if share != line[field]:
            raise ValueError(f"{field.removesuffix('_cents')} {money_of(line[field])} differs from the "
                             f"PR-{carc} adjustments ({money_of(share)})")
    share = line["deductible_cents"] + line["coinsurance_cents"] + line["copay_cents"]
    if line["paid_cents"] + share > line["allowed_cents"] and line["allowed_cents"]:
        raise ValueError("paid plus the patient's share is more than the allowed amount")


def import_claim_lines(text: str) -> int:
    """Service lines with their adjustments. The lines of each claim in the file replace that claim's
    lines; a claim's lines must add up to its billed and paid amounts."""
    claims = _known(Claim, Claim.claim_number)
    rows = _collect(text, LINE_COLUMNS, lambda row: _line_values(row, claims),
                    key=lambda item: f"line {item['line_number']} of claim {item['claim_id']}")
    first_line, billed, paid = {}, {}, {}
    for line, item in rows:
        first_line.setdefault(item["claim_id"], line)
        billed[item["claim_id"]] = billed.get(item["claim_id"], 0) + item["billed_cents"]
        paid[item["claim_id"]] = paid.get(item["claim_id"], 0) + item["paid_cents"]
    errors = []
    claim_ids = list(first_line)
    for claim in _chunked_claims(claim_ids):
        if (billed[claim.id], paid[claim.id]) != (claim.billed_cents, claim.paid_cents):
            errors.append(f"line {first_line[claim.id]}: the lines of claim {claim.claim_number} add up to "
                          f"billed {money(billed[claim.id])} and paid {money(paid[claim.id])}, the claim says "
                          f"{money(claim.billed_cents)} and {money(claim.paid_cents)}")
    if errors:
        raise ImportFailed(sorted(errors, key=_line_order))
    for start in range(0, len(claim_ids), 500):
        chunk = claim_ids[start:start + 500]
        old_lines = select(ServiceLine.id).where(ServiceLine.claim_id.in_(chunk))
        db.session.execute(delete(LineAdjustment).where(LineAdjustment.line_id.in_(old_lines)))
        db.session.execute(delete(ServiceLine).where(ServiceLine.claim_id.in_(chunk)))
    line_rows = [{k: v for k, v in item.items() if k != "adjustments"} for _, item in rows]
    line_ids = db.session.scalars(insert(ServiceLine).returning(ServiceLine.id, sort_by_parameter_order=True),
                                  line_rows).all()
    adjustments = [dict(adjustment, line_id=line_id)
                   for line_id, (_, item) in zip(line_ids, rows) for adjustment in item["adjustments"]]
    if adjustments:
        db.session.execute(insert(LineAdjustment), adjustments)
    db.session.expire_all()
    return len(rows)


def _chunked_claims(claim_ids: list[int]):
    for start in range(0, len(claim_ids), 500):
        yield from db.session.scalars(select(Claim).where(Claim.id.in_(claim_ids[start:start + 500])))


def _diagnosis_values(row: dict, claims: dict[str, int]) -> dict:
    claim_pk = claims.get(row["claim_number"])
    if claim_pk is None:
        raise ValueError(f"claim_number {row['claim_number']!r} is not a known claim (import claims first)")
    code = row["code"].upper()
    if not ICD10.match(code):
        raise ValueError(f"code {row['code']!r} is not an ICD-10-CM code (like E11.9)")
    if not row["description"]:
        raise ValueError("description is empty")
    return dict(claim_id=claim_pk, sequence=_parse_int(row["sequence"], "sequence", 1, 12), code=code,
                description=_text(row, "description", 200))


def import_diagnoses(text: str) -> int:
    """Diagnoses of claims (ICD-10-CM, in sequence); those of each claim in the file replace its list."""
    claims = _known(Claim, Claim.claim_number)
    rows = [item for _, item in _collect(text, DIAGNOSIS_COLUMNS, lambda row: _diagnosis_values(row, claims),
                                          key=lambda item: f"sequence {item['sequence']} of claim {item['claim_id']}")]
    claim_ids = sorted({item["claim_id"] for item in rows})
    for start in range(0, len(claim_ids), 500):
        db.session.execute(delete(ClaimDiagnosis).where(ClaimDiagnosis.claim_id.in_(claim_ids[start:start + 500])))
    if rows:
        db.session.execute(insert(ClaimDiagnosis), rows)
    db.session.expire_all()
    return len(rows)


def _payment_values(row: dict) -> dict:
    trace = row["trace_number"]
    if not trace.isalnum() or len(trace) > 20:
        raise ValueError(f"trace_number {trace!r} must be 1-20 letters and digits")
    method = row["method"].upper()
    if method not in ("CHK", "ACH"):
        raise ValueError(f"method {row['method']!r} must be CHK (check) or ACH (EFT)")
    if not is_valid_tax_id(row["payee_tax_id"]):
        raise ValueError(f"payee_tax_id {row['payee_tax_id']!r} must be exactly 9 digits")
    if not is_valid_npi(row["payee_npi"]):
        raise ValueError(f"payee_npi {row['payee_npi']!r} is not a valid NPI")
    if not row["payee_name"]:
        raise ValueError("payee_name is empty")
    bank = {}
    for column in PAYMENT_OPTIONAL:
        value = row[column].replace(" ", "")
        if method == "ACH" and not value:
            raise ValueError(f"{column} is needed for an EFT (ACH) payment")
        if column.endswith("routing") and value and not is_valid_routing_number(value):
            raise ValueError(f"{column} {row[column]!r} is not a valid 9-digit ABA routing number")
        if column.endswith("account") and value and not (value.isalnum() and len(value) <= 35):
            raise ValueError(f"{column} must be 1-35 letters and digits")
        bank[column] = value if method == "ACH" else None
    return dict(**bank, trace_number=trace, method=method,
                payment_date=_parse_date(row["payment_date"], "payment_date"),
                amount_cents=_parse_cents(row["amount"], "amount"), payee_tax_id=row["payee_tax_id"],
                payee_name=_text(row, "payee_name", 120), payee_npi=row["payee_npi"],
                payee_address=_text(row, "payee_address", 200))


def is_valid_routing_number(value: str) -> bool:
    """ABA routing number: 9 digits whose weighted sum (3, 7, 1, ...) is a multiple of 10."""
    if len(value) != 9 or not value.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(value, (3, 7, 1) * 3)) % 10 == 0


def import_payments(text: str) -> int:
    """Checks and EFTs. A payment pays the claims whose check_number is its trace number (import
    claims first): they must be of the payee's Tax ID and add up, with interest, to its amount."""
    errors: list[str] = []
    rows = _collect(text, PAYMENT_COLUMNS, _payment_values, key=lambda item: f"trace_number {item['trace_number']}",
                    optional=PAYMENT_OPTIONAL, errors=errors)
    traces = [item["trace_number"] for _, item in rows]
    paying: dict[str, list[Claim]] = {}
    for start in range(0, len(traces), 500):
        for claim in db.session.scalars(select(Claim).where(Claim.check_number.in_(traces[start:start + 500]))):
            paying.setdefault(claim.check_number, []).append(claim)
    for line, item in rows:
        claims = paying.get(item["trace_number"], [])
        if not claims:
            errors.append(f"line {line}: no claim has check_number {item['trace_number']}")
            continue
        others = sorted(c.claim_number for c in claims if c.tax_id != item["payee_tax_id"])
        if others:
            errors.append(f"line {line}: claims {', '.join(others)} are not of payee Tax ID {item['payee_tax_id']}")
        total = sum(c.paid_cents + c.interest_cents for c in claims)
        if total != item["amount_cents"]:
            errors.append(f"line {line}: the amount {money(item['amount_cents'])} differs from what its "
                          f"{len(claims)} claims pay with interest ({money(total)})")
    if errors:
        raise ImportFailed(sorted(errors, key=_line_order))
    _upsert(Payment, "trace_number", [item for _, item in rows])
    db.session.flush()
    return len(rows)


def seed_demo_claims() -> None:
    """Demo members, coverage, claims, lines, diagnoses and payments from data/demo/, and the code
    lists (idempotent: rows are updated in place; the caller commits)."""
    for name, importer in (("members.csv", import_members), ("coverage.csv", import_coverage),
                           ("claims.csv", import_claims), ("claim_lines.csv", import_claim_lines),
                           ("diagnoses.csv", import_diagnoses), ("payments.csv", import_payments)):
        importer((DEMO_DIR / name).read_text(encoding="utf-8"))
    load_codes(CODES_FILE.read_text(encoding="utf-8"))


# --- who sees what ----------------------------------------------------------------------------

def user_tax_ids(user: User) -> set[str]:
    return {provider.tax_id for provider in active_providers(user)}


def claims_visible_to(sees_all: bool):
    """The claims a viewer may see: every claim for plan staff (`sees_all`), else the claims of
    the viewer's Tax IDs, a parameter (`tax_ids`) for statements built once."""
    query = select(Claim)
    if sees_all:
        return query
    return query.where(Claim.tax_id.in_(bindparam("tax_ids", expanding=True)))


def _tax_id_params(user: User) -> dict:
    return {} if user.is_agent else {"tax_ids": sorted(user_tax_ids(user))}


def _visible_claims(user: User):
    return claims_visible_to(user.is_agent).params(_tax_id_params(user))


def _visible_members(user: User):
    query = select(Member)
    if user.is_agent:
        return query
    tax_ids = user_tax_ids(user)
    # Assigned to a provider of the organization: any provider sharing one of the user's Tax IDs.
    npis = select(Provider.npi).where(Provider.tax_id.in_(tax_ids))
    with_claims = select(Claim.member_id).where(Claim.tax_id.in_(tax_ids))
    return query.where(or_(Member.id.in_(with_claims), Member.pcp_npi.in_(npis)))


def visible_members_query(user: User):
    return _visible_members(user)


def _group_npis(user: User):
    """NPIs of every provider sharing one of the user's Tax IDs (the PCP or group level)."""
    return select(Provider.npi).where(Provider.tax_id.in_(user_tax_ids(user)))


def may_see_member_information(user: User, member: Member) -> bool:
    """Seed: only users associated with the member at the PCP or group level see member information."""
    if user.is_support_agent or user.is_admin:
        return True
    if not member.pcp_npi:
        return False
    return db.session.scalar(select(func.count()).select_from(
        _group_npis(user).where(Provider.npi == member.pcp_npi).subquery())) > 0


def visible_payment(user: User, payment_id: int) -> Payment | None:
    if not 0 < payment_id <= MAX_ROW_ID:
        return None
    query = select(Payment).where(Payment.id == payment_id)
    if not (user.is_support_agent or user.is_admin):
        query = query.where(Payment.payee_tax_id.in_(user_tax_ids(user)))
    return db.session.scalar(query)


def payment_ids_by_trace(claims: list[Claim]) -> dict[str, int]:
    """{check number: payment row id} for the RA buttons of these claims."""
    traces = {claim.check_number for claim in claims if claim.check_number}
    if not traces:
        return {}
    return dict(db.session.execute(select(Payment.trace_number, Payment.id)
                                   .where(Payment.trace_number.in_(traces))).all())


def load_claim_details(claim: Claim) -> Claim:
    """Lines with adjustments and the diagnoses in three queries instead of one per line."""
    return db.session.scalar(select(Claim).where(Claim.id == claim.id).options(
        selectinload(Claim.lines).selectinload(ServiceLine.adjustments), selectinload(Claim.diagnoses),
        selectinload(Claim.member)))


def denied_codes(claim: Claim) -> list[str]:
    """The non-routine adjustment codes of a claim ("CO-50", "N115"), for questions about them."""
    codes = []
    for line in claim.lines:
        for adjustment in line.adjustments:
            if adjustment.group_code != "PR" and adjustment.reason_code != "45":
                for code in (adjustment.label, adjustment.remark_code):
                    if code and code not in codes:
                        codes.append(code)
    return codes


def claim_code_question(claim: Claim, code: str) -> tuple[str, str] | None:
    """Subject and message that prefill "Ask a Question" about one code of a claim (None: not its code)."""
    code = (code or "").strip().upper()
    lines = [line for line in claim.lines for a in line.adjustments
             if code and code in (a.label, a.remark_code)]
    if not lines:
        return None
    numbers = ", ".join(str(n) for n in sorted({line.line_number for line in lines}))
    subject = f"Question about claim {claim.claim_number}, code {code}"
    body = (f"Claim {claim.claim_number}, service line {numbers} ({', '.join(sorted({line.procedure_code for line in lines}))}) "
            f"was adjusted with code {code}. Please explain the adjustment and what we need to do.")
    return subject, body


MAX_ROW_ID = 2**63 - 1  # an id in a URL beyond this is simply not found (no database overflow)


def visible_claim(user: User, claim_id: int) -> Claim | None:
    if not 0 < claim_id <= MAX_ROW_ID:
        return None
    return db.session.scalar(_visible_claims(user).where(Claim.id == claim_id))


def visible_claim_by_number(user: User, claim_number: str) -> Claim | None:
    return db.session.scalar(_visible_claims(user).where(Claim.claim_number == claim_number.strip()))


def visible_member(user: User, member_pk: int) -> Member | None:
    if not 0 < member_pk <= MAX_ROW_ID:
        return None
    return db.session.scalar(_visible_members(user).where(Member.id == member_pk))


def visible_member_by_member_id(user: User, member_id: str) -> Member | None:
    return db.session.scalar(_visible_members(user).where(Member.member_id == member_id.strip().upper()))


# --- searches ---------------------------------------------------------------------------------

@dataclass
class ClaimSearch:
    claim_number: str = ""
    date_from: date | None = None
    date_to: date | None = None
    date_type: str = "service"  # "service" (Date of Service) or "paid" (Paid Date)
    status: str = ""  # "" = all statuses
    member_id: str = ""
    denied_only: bool = False


def denied_claim():
    """A claim denied whole: a denial reason and nothing paid (lines may be denied on paid claims too)."""
    return (Claim.denial_reason.is_not(None)) & (Claim.denial_reason != "") & (Claim.paid_cents == 0)


def search_claims(user: User, criteria: ClaimSearch) -> list[Claim]:
    sees_all = user.is_agent
    by_number = bool(criteria.claim_number)
    paid = criteria.date_type == "paid"
    shape = (sees_all, by_number) if by_number else (
        sees_all, by_number, paid, bool(criteria.date_from), bool(criteria.date_to), bool(criteria.status),
        bool(criteria.denied_only), bool(criteria.member_id))

    def build():
        query = claims_visible_to(sees_all)
        if by_number:
            query = query.where(Claim.claim_number == bindparam("claim_number"))
        else:
            column = Claim.paid_date if paid else Claim.service_from
            if criteria.date_from:
                query = query.where(column >= bindparam("date_from"))
            if criteria.date_to:
                query = query.where(column <= bindparam("date_to"))
            if criteria.status:
                query = query.where(Claim.status == bindparam("status", type_=Claim.status.type))
            if criteria.denied_only:
                query = query.where(denied_claim())
            if criteria.member_id:
                query = query.join(Member, Member.id == Claim.member_id).where(
                    Member.member_id == bindparam("member_id"))
            query = query.order_by(column.desc(), Claim.claim_number)
        # The results table shows each claim's member: joined into the same statement, not one
        # query per row. (All columns: `load_only` cost more than it saved, a deferred loader per
        # column and row.)
        return query.options(joinedload(Claim.member)).limit(RESULT_LIMIT)

    params = {"claim_number": criteria.claim_number.strip(), "date_from": criteria.date_from,
              "date_to": criteria.date_to, "status": ClaimStatus(criteria.status) if criteria.status else None,
              "member_id": criteria.member_id.strip().upper(), **_tax_id_params(user)}
    return list(db.session.scalars(prepared(("claims.search", *shape), build), params))


def search_members(user: User, *, member_id: str = "", name: str = "", date_of_birth: date | None = None,
                   city: str = "") -> list[Member]:
    query = _visible_members(user)
    if member_id:
        query = query.where(Member.member_id == member_id.strip().upper())
    else:
        for word in name.split():
            pattern = f"%{word}%"
            query = query.where(or_(Member.first_name.ilike(pattern), Member.last_name.ilike(pattern)))
        if date_of_birth:
            query = query.where(Member.date_of_birth == date_of_birth)
        if city:
            query = query.where(Member.city.ilike(city.strip()))
    return list(db.session.scalars(query.order_by(Member.last_name, Member.first_name).limit(RESULT_LIMIT)))


def claims_of_member(user: User, member: Member) -> list[Claim]:
    return list(db.session.scalars(_visible_claims(user).where(Claim.member_id == member.id)
                                   .order_by(Claim.service_from.desc())))


def condition_history(user: User, member: Member) -> list[tuple[ClaimDiagnosis, Claim]]:
    """Diagnoses from the member's claims the user may see, newest date of service first."""
    claims = _visible_claims(user).where(Claim.member_id == member.id).subquery()
    rows = db.session.execute(
        select(ClaimDiagnosis, Claim).join(Claim, Claim.id == ClaimDiagnosis.claim_id)
        .where(Claim.id.in_(select(claims.c.id)))
        .order_by(Claim.service_from.desc(), Claim.claim_number, ClaimDiagnosis.sequence))
    return [(diagnosis, claim) for diagnosis, claim in rows]


def money(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}${abs(cents) / 100:,.2f}"
