"""Members and claims: CSV import (all or nothing), searches scoped to the user's providers."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import or_, select

from webapp.extensions import db
from webapp.identifiers import is_valid_npi, is_valid_tax_id
from webapp.models import Claim, ClaimStatus, Member, Provider, User
from webapp.blueprints.providers.services import active_providers

DEMO_DIR = Path(__file__).resolve().parents[3] / "data" / "demo"

MEMBER_COLUMNS = ["member_id", "first_name", "last_name", "date_of_birth", "gender", "city", "plan",
                  "eligible_from", "eligible_to", "pcp_npi"]
CLAIM_COLUMNS = ["claim_number", "member_id", "provider_npi", "tax_id", "service_from", "service_to",
                 "received_date", "paid_date", "billed_amount", "paid_amount", "status",
                 "denial_reason", "check_number"]
STATUS_BY_LABEL = {status.label.lower(): status for status in ClaimStatus}
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
        amount = Decimal(raw.strip().replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise ValueError(f"{column} {raw!r} is not an amount") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{column} {raw!r} must be zero or more with at most two decimals")
    return int(amount * 100)


def _rows(text: str, columns: list[str]):
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportFailed([f"line 1: the header lacks {', '.join(missing)}"])
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}


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
    return dict(member_id=row["member_id"].upper(), first_name=row["first_name"], last_name=row["last_name"],
                date_of_birth=_parse_date(row["date_of_birth"], "date_of_birth"), gender=gender,
                city=row["city"], plan=row["plan"],
                eligible_from=_parse_date(row["eligible_from"], "eligible_from", required=False),
                eligible_to=_parse_date(row["eligible_to"], "eligible_to", required=False), pcp_npi=pcp)


def import_members(text: str) -> int:
    """Add or update members from CSV text; all rows or none. Returns the number of rows."""
    errors, values, seen = [], [], set()
    for line, row in _rows(text, MEMBER_COLUMNS):
        try:
            item = _member_values(row)
            if item["member_id"] in seen:
                raise ValueError(f"member_id {item['member_id']} appears twice in the file")
            seen.add(item["member_id"])
            values.append(item)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if errors:
        raise ImportFailed(errors)
    existing = {m.member_id: m for m in db.session.scalars(select(Member).where(Member.member_id.in_(seen)))}
    for item in values:
        member = existing.get(item["member_id"])
        if member is None:
            db.session.add(Member(**item))
        else:
            for key, value in item.items():
                setattr(member, key, value)
    db.session.commit()
    return len(values)


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
        raise ValueError(f"status {row['status']!r} must be In Progress, Check Pending or Finalized")
    service_from = _parse_date(row["service_from"], "service_from")
    service_to = _parse_date(row["service_to"], "service_to", required=False) or service_from
    if service_to < service_from:
        raise ValueError("service_to is before service_from")
    billed = _parse_cents(row["billed_amount"], "billed_amount")
    if billed <= 0:
        raise ValueError("billed_amount must be more than zero")
    return dict(claim_number=row["claim_number"], member_id=member_pk, provider_npi=row["provider_npi"],
                tax_id=row["tax_id"], service_from=service_from, service_to=service_to,
                received_date=_parse_date(row["received_date"], "received_date"),
                paid_date=_parse_date(row["paid_date"], "paid_date", required=False),
                billed_cents=billed, paid_cents=_parse_cents(row["paid_amount"] or "0", "paid_amount"),
                status=status, denial_reason=row["denial_reason"][:200] or None,
                check_number=row["check_number"][:20] or None)


def import_claims(text: str) -> int:
    """Add or update claims from CSV text; all rows or none. Members must exist already."""
    members = dict(db.session.execute(select(Member.member_id, Member.id)).all())
    errors, values, seen = [], [], set()
    for line, row in _rows(text, CLAIM_COLUMNS):
        try:
            item = _claim_values(row, members)
            if item["claim_number"] in seen:
                raise ValueError(f"claim_number {item['claim_number']} appears twice in the file")
            seen.add(item["claim_number"])
            values.append(item)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if errors:
        raise ImportFailed(errors)
    existing = {c.claim_number: c for c in db.session.scalars(select(Claim).where(Claim.claim_number.in_(seen)))}
    for item in values:
        claim = existing.get(item["claim_number"])
        if claim is None:
            db.session.add(Claim(**item))
        else:
            for key, value in item.items():
                setattr(claim, key, value)
    db.session.commit()
    return len(values)


def seed_demo_claims() -> None:
    """Demo members and claims from data/demo/ (idempotent: rows are updated in place)."""
    import_members((DEMO_DIR / "members.csv").read_text())
    import_claims((DEMO_DIR / "claims.csv").read_text())


# --- who sees what ----------------------------------------------------------------------------

def user_tax_ids(user: User) -> set[str]:
    return {provider.tax_id for provider in active_providers(user)}


def _visible_claims(user: User):
    query = select(Claim)
    if user.is_agent:
        return query
    return query.where(Claim.tax_id.in_(user_tax_ids(user)))


def _visible_members(user: User):
    query = select(Member)
    if user.is_agent:
        return query
    tax_ids = user_tax_ids(user)
    # Assigned to a provider of the organization: any provider sharing one of the user's Tax IDs.
    npis = select(Provider.npi).where(Provider.tax_id.in_(tax_ids))
    with_claims = select(Claim.member_id).where(Claim.tax_id.in_(tax_ids))
    return query.where(or_(Member.id.in_(with_claims), Member.pcp_npi.in_(npis)))


def visible_claim(user: User, claim_id: int) -> Claim | None:
    return db.session.scalar(_visible_claims(user).where(Claim.id == claim_id))


def visible_claim_by_number(user: User, claim_number: str) -> Claim | None:
    return db.session.scalar(_visible_claims(user).where(Claim.claim_number == claim_number.strip()))


def visible_member(user: User, member_pk: int) -> Member | None:
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


def search_claims(user: User, criteria: ClaimSearch) -> list[Claim]:
    query = _visible_claims(user)
    if criteria.claim_number:
        query = query.where(Claim.claim_number == criteria.claim_number.strip())
    else:
        column = Claim.paid_date if criteria.date_type == "paid" else Claim.service_from
        if criteria.date_from:
            query = query.where(column >= criteria.date_from)
        if criteria.date_to:
            query = query.where(column <= criteria.date_to)
        if criteria.status:
            query = query.where(Claim.status == ClaimStatus(criteria.status))
        if criteria.member_id:
            query = query.join(Member, Member.id == Claim.member_id).where(
                Member.member_id == criteria.member_id.strip().upper())
        query = query.order_by(column.desc(), Claim.claim_number)
    return list(db.session.scalars(query.limit(RESULT_LIMIT)))


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


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"
