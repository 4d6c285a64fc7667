"""Reports for a PCP: the members assigned to it, quality rates and blood lead screening from claim codes
(the codes are data: data/reports/measures.json). CSV is produced row by row from a cursor read in
batches, so memory stays the same for any roster size."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import exists, func, select

from webapp.extensions import db
from webapp.models import Claim, ClaimDiagnosis, Member, Provider, ServiceLine, User
from webapp.providers.services import active_providers

MEASURES_FILE = Path(__file__).resolve().parents[3] / "data" / "reports" / "measures.json"
PAGE_SIZE = 50
BATCH = 1000


@dataclass(frozen=True)
class ReportType:
    key: str
    name: str
    counts: str


@lru_cache(maxsize=1)
def measures() -> dict:
    return json.loads(MEASURES_FILE.read_text(encoding="utf-8"))


def report_types() -> dict[str, ReportType]:
    data = measures()
    quality = " ".join(f"{m['id']}: {m['counts']}" for m in data["quality_measures"])
    return {
        "pcp_roster": ReportType("pcp_roster", "PCP Membership Roster",
                                 "Every member whose assigned primary care provider (PCP) is the chosen provider, "
                                 "from the plan's member file, with their eligibility dates: one row per member."),
        "quality": ReportType("quality", "Pay for Value (Quality Rates Report)",
                              "For each quality measure, the assigned members it applies to and whether the claims "
                              f"show the service (one row per member and measure; the rate is met / eligible). {quality}"),
        "blood_lead": ReportType("blood_lead", "Blood Lead Screening Report", data["blood_lead"]["counts"]),
    }


def report_provider(user: User, provider_id: int | None) -> Provider | None:
    """A provider of the user's collection (the report's PCP), else None."""
    return next((p for p in active_providers(user) if p.id == provider_id), None)


def _years_before(day: date, years: float) -> date:
    months = round(years * 12)
    return _months_before(day, months)


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
            30, 31][month - 1]
    return date(year, month, min(day.day, last))


def _assigned(provider: Provider):
    return select(Member).where(Member.pcp_npi == provider.npi)


# --- PCP Membership Roster ---------------------------------------------------------------------------

ROSTER_COLUMNS = ["Member ID", "Last Name", "First Name", "Date of Birth", "Gender", "Plan", "Line of Business",
                  "Eligible From", "Eligible To", "Phone", "City"]


def roster_page(provider: Provider, page: int) -> tuple[list[Member], int]:
    """One page of the roster (by name) and the number of members in it."""
    total = db.session.scalar(select(func.count()).select_from(_assigned(provider).subquery()))
    rows = db.session.scalars(_assigned(provider).order_by(Member.last_name, Member.first_name, Member.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return list(rows), total


def _iso(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def _roster_rows(provider: Provider, as_of: date) -> Iterator[list[str]]:
    columns = (Member.member_id, Member.last_name, Member.first_name, Member.date_of_birth, Member.gender,
               Member.plan, Member.line_of_business, Member.eligible_from, Member.eligible_to, Member.phone,
               Member.city)
    query = (select(*columns).where(Member.pcp_npi == provider.npi)
             .order_by(Member.last_name, Member.first_name, Member.id).execution_options(yield_per=BATCH))
    for row in db.session.execute(query):
        yield [row[0], row[1], row[2], _iso(row[3]), row[4] or "", row[5], row[6] or "", _iso(row[7]),
               _iso(row[8]), row[9] or "", row[10]]


# --- Pay for Value (Quality Rates Report) --------------------------------------------------------------

QUALITY_COLUMNS = ["Measure", "Measure Name", "Member ID", "Last Name", "First Name", "Date of Birth",
                   "Status", "Last Service Date"]


def _last_service(codes: list[str], since: date, until: date, after_birthday_months: int | None = None):
    """Latest date of service of a line with one of `codes`, per member."""
    query = (select(Claim.member_id.label("member_pk"), func.max(ServiceLine.service_from).label("last_date"))
             .join(Claim, Claim.id == ServiceLine.claim_id)
             .where(ServiceLine.procedure_code.in_(codes), ServiceLine.service_from >= since,
                    ServiceLine.service_from <= until))
    return query.group_by(Claim.member_id).subquery()


def _quality_rows(provider: Provider, as_of: date) -> Iterator[list[str]]:
    data = measures()
    since = _months_before(as_of, data["lookback_months"])
    for measure in data["quality_measures"]:
        services = _last_service(measure["codes"], since, as_of)
        oldest_birth = _years_before(as_of, measure["max_age"] + 1)
        youngest_birth = _years_before(as_of, measure["min_age"])
        query = (select(Member.member_id, Member.last_name, Member.first_name, Member.date_of_birth,
                        services.c.last_date)
                 .outerjoin(services, services.c.member_pk == Member.id)
                 .where(Member.pcp_npi == provider.npi, Member.date_of_birth > oldest_birth,
                        Member.date_of_birth <= youngest_birth))
        if measure["diagnosis_prefixes"]:
            diagnosed = exists().where(ClaimDiagnosis.claim_id == Claim.id, Claim.member_id == Member.id,
                                       db.or_(*[ClaimDiagnosis.code.like(f"{p}%") for p in measure["diagnosis_prefixes"]]))
            query = query.where(diagnosed)
        query = query.order_by(Member.last_name, Member.first_name, Member.id).execution_options(yield_per=BATCH)
        for row in db.session.execute(query):
            yield [measure["id"], measure["name"], row[0], row[1], row[2], _iso(row[3]),
                   "Met" if row[4] else "Not met", _iso(row[4])]


def quality_rates(provider: Provider, as_of: date) -> list[dict]:
    """Per measure: eligible members, members with the service, rate (for the page and the tests)."""
    totals: dict[str, dict] = {m["id"]: {"id": m["id"], "name": m["name"], "eligible": 0, "met": 0}
                               for m in measures()["quality_measures"]}
    for row in _quality_rows(provider, as_of):
        totals[row[0]]["eligible"] += 1
        totals[row[0]]["met"] += row[6] == "Met"
    for item in totals.values():
        item["rate"] = f"{item['met'] / item['eligible']:.0%}" if item["eligible"] else "—"
    return list(totals.values())


# --- Blood Lead Screening Report -------------------------------------------------------------------------

LEAD_COLUMNS = ["Member ID", "Last Name", "First Name", "Date of Birth", "Age in Months", "Status",
                "Last Screening Date"]


def _age_months(birth: date, as_of: date) -> int:
    return (as_of.year - birth.year) * 12 + as_of.month - birth.month - (as_of.day < birth.day)


def _lead_rows(provider: Provider, as_of: date) -> Iterator[list[str]]:
    lead = measures()["blood_lead"]
    oldest_birth = _months_before(as_of, lead["max_months"])
    youngest_birth = _months_before(as_of, lead["min_months"])
    # A test counts on or after the first birthday: compared per member in the join condition.
    tests = (select(Claim.member_id.label("member_pk"), ServiceLine.service_from.label("day"))
             .join(Claim, Claim.id == ServiceLine.claim_id)
             .where(ServiceLine.procedure_code.in_(lead["codes"])).subquery())
    last_test = (select(func.max(tests.c.day)).where(tests.c.member_pk == Member.id, tests.c.day <= as_of)
                 .scalar_subquery())
    query = (select(Member.member_id, Member.last_name, Member.first_name, Member.date_of_birth, last_test)
             .where(Member.pcp_npi == provider.npi, Member.date_of_birth >= oldest_birth,
                    Member.date_of_birth <= youngest_birth)
             .order_by(Member.last_name, Member.first_name, Member.id).execution_options(yield_per=BATCH))
    for row in db.session.execute(query):
        birth, last = row[3], row[4]
        screened = last is not None and last >= _months_before_inverse(birth, 12)
        yield [row[0], row[1], row[2], _iso(birth), str(_age_months(birth, as_of)),
               "Screened" if screened else "Not screened", _iso(last) if screened else ""]


def _months_before_inverse(day: date, months: int) -> date:
    """The date `months` after `day` (a first birthday)."""
    return _months_before(day, -months)


# --- CSV -------------------------------------------------------------------------------------------------

REPORTS = {"pcp_roster": (ROSTER_COLUMNS, _roster_rows), "quality": (QUALITY_COLUMNS, _quality_rows),
           "blood_lead": (LEAD_COLUMNS, _lead_rows)}


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in values])
    return buffer.getvalue()


def report_csv(report: str, provider: Provider, as_of: date) -> Iterator[str]:
    """The report as CSV text in chunks of about BATCH rows (never the whole report in memory)."""
    columns, rows = REPORTS[report]
    yield _csv_line(columns)
    chunk: list[str] = []
    for row in rows(provider, as_of):
        chunk.append(_csv_line(row))
        if len(chunk) >= BATCH:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
