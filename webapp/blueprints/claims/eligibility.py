"""Eligibility and benefits: is the member covered on the date of service, by what plan, with which
benefits. Every check is kept (what was answered then) for the history list."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from webapp.blueprints.claims.services import MAX_ROW_ID, visible_members_query
from webapp.extensions import db
from webapp.models import CoveragePeriod, EligibilityCheck, Member, Provider, User

HISTORY_LIMIT = 50


def find_members(user: User, *, member_id: str = "", name: str = "", date_of_birth: date | None = None) -> list[Member]:
    """By Member ID: the user's members (PCP, group or claims). By name and date of birth: any member
    of the plan whose first and last name and date of birth all match (a new patient's check)."""
    if member_id:
        return list(db.session.scalars(visible_members_query(user).where(Member.member_id == member_id.strip().upper())))
    words = name.split()
    if len(words) < 2 or date_of_birth is None:
        return []
    first, last = words[0].lower(), words[-1].lower()
    return list(db.session.scalars(select(Member).where(
        func.lower(Member.first_name) == first, func.lower(Member.last_name) == last,
        Member.date_of_birth == date_of_birth).order_by(Member.member_id).limit(10)))


def coverage_on(member: Member, day: date) -> CoveragePeriod | None:
    return db.session.scalar(select(CoveragePeriod).where(
        CoveragePeriod.member_id == member.id, CoveragePeriod.start_date <= day,
        (CoveragePeriod.end_date.is_(None)) | (CoveragePeriod.end_date >= day)))


def _pcp_name(npi: str | None, member: Member) -> str | None:
    if not npi:
        return None
    name = db.session.scalar(select(Provider.name).where(Provider.npi == npi))
    return name or (member.pcp_name if member.pcp_npi == npi else None)


def eligibility_result(member: Member, day: date) -> dict:
    """The answer as plain data (kept as it was with the check)."""
    period = coverage_on(member, day)
    result = {"member_id": member.member_id, "name": member.full_name,
              "date_of_birth": member.date_of_birth.isoformat(), "service_date": day.isoformat(),
              "active": period is not None}
    if period is None:
        latest = db.session.scalar(select(CoveragePeriod).where(CoveragePeriod.member_id == member.id)
                                   .order_by(CoveragePeriod.start_date.desc()))
        if latest is not None:
            result["last_coverage"] = {"start": latest.start_date.isoformat(),
                                       "end": latest.end_date.isoformat() if latest.end_date else None,
                                       "plan": latest.plan}
        return result
    result.update({
        "coverage_start": period.start_date.isoformat(),
        "coverage_end": period.end_date.isoformat() if period.end_date else None,
        "plan": period.plan, "line_of_business": period.line_of_business, "health_network": period.health_network,
        "pcp_npi": period.pcp_npi, "pcp_name": _pcp_name(period.pcp_npi, member),
        "copays": {"Primary care visit": period.copay_primary_cents, "Specialist visit": period.copay_specialist_cents,
                   "Urgent care": period.copay_urgent_cents, "Emergency room": period.copay_emergency_cents},
        "coinsurance_percent": period.coinsurance_percent,
        "deductible": period.deductible_cents, "deductible_met": period.deductible_met_cents,
        "out_of_pocket_max": period.out_of_pocket_max_cents, "out_of_pocket_met": period.out_of_pocket_met_cents,
    })
    return result


def record_check(user: User, member: Member, day: date, result: dict) -> EligibilityCheck:
    """Keep the check (the caller commits)."""
    check = EligibilityCheck(user_id=user.id, member_id=member.id, service_date=day, active=result["active"],
                             result_json=json.dumps(result, sort_keys=True))
    db.session.add(check)
    db.session.flush()
    return check


def checks_of(user: User) -> list[EligibilityCheck]:
    """The user's own past checks, newest first."""
    return list(db.session.scalars(select(EligibilityCheck).where(EligibilityCheck.user_id == user.id)
                                   .order_by(EligibilityCheck.checked_at.desc(), EligibilityCheck.id.desc())
                                   .limit(HISTORY_LIMIT)))


def visible_check(user: User, check_id: int) -> EligibilityCheck | None:
    if not 0 < check_id <= MAX_ROW_ID:
        return None
    return db.session.scalar(select(EligibilityCheck).where(EligibilityCheck.id == check_id,
                                                            EligibilityCheck.user_id == user.id))


def result_of(check: EligibilityCheck) -> dict:
    return json.loads(check.result_json)
