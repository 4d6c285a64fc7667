"""Provider Home: "what needs you"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.blueprints.claims.services import denied_claim, user_tax_ids
from webapp.blueprints.messages.services import unread_threads, visible_threads
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (AccessStatus, Case, CaseStatus, Claim, ClaimSubmission, MessageCategory,
                           MessageSubcategory, MessageThread, Provider, ProviderAccess, Referral, ReferralStatus,
                           SubmissionStatus, ThreadStatus, User)

HOME_LIST = 5
DENIED_DAYS = 30
GRIEVANCE_CATEGORY = "grievance-and-appeal"


@dataclass
class HomeSection:
    count: int
    rows: list


@dataclass
class ProviderHome:
    waiting_cases: HomeSection
    unread_threads: HomeSection
    grievances: HomeSection
    denied_claims: HomeSection
    claim_drafts: HomeSection      # claims this person started and has not sent (or must correct)
    referral_drafts: HomeSection   # referrals this person started and has not submitted
    denied_since: date | None = None  # the denied claims' period, for the link to Claims search
    today: date | None = None


def _case_scope(user: User):
    return Case.provider_id.in_(select(ProviderAccess.provider_id).where(
        ProviderAccess.user_id == user.id, ProviderAccess.status == AccessStatus.ACTIVE))


def _section(query, order) -> HomeSection:
    rows = list(db.session.scalars(query.order_by(*order).limit(HOME_LIST)))
    # Fewer rows than the limit are the whole count: the counting query only for a full list.
    if len(rows) < HOME_LIST:
        return HomeSection(len(rows), rows)
    return HomeSection(db.session.scalar(select(func.count()).select_from(query.subquery())) or 0, rows)


def provider_home(user: User, today: date | None = None,
                  providers: list[Provider] | None = None) -> ProviderHome:
    """Counts and the first few of what waits for the office; each links to its filtered page.
    `providers`: the user's active providers when the caller has them already."""
    today = today or utcnow_naive().date()
    tax_ids = {p.tax_id for p in providers} if providers is not None else user_tax_ids(user)
    waiting = select(Case).where(_case_scope(user), Case.status == CaseStatus.PENDING_PROVIDER,
                                 Case.merged_into_id.is_(None))
    unread = unread_threads(user)
    grievances = (visible_threads(user).join(MessageSubcategory).join(MessageCategory)
                  .where(MessageCategory.slug == GRIEVANCE_CATEGORY, MessageThread.status != ThreadStatus.CLOSED))
    denied_since = today - timedelta(days=DENIED_DAYS)
    denied = select(Claim).where(Claim.tax_id.in_(tax_ids), denied_claim(),
                                 Claim.paid_date >= denied_since)
    return ProviderHome(
        waiting_cases=_section(waiting, [Case.updated_at.desc(), Case.id.desc()]),
        unread_threads=_section(unread, [MessageThread.last_activity_at.desc(), MessageThread.id.desc()]),
        grievances=_section(grievances, [MessageThread.due_at.is_(None), MessageThread.due_at, MessageThread.id]),
        denied_claims=_section(denied, [Claim.paid_date.desc(), Claim.id.desc()]),
        claim_drafts=_section(select(ClaimSubmission).where(
            ClaimSubmission.user_id == user.id,
            ClaimSubmission.status.in_([SubmissionStatus.DRAFT, SubmissionStatus.REJECTED])),
            [ClaimSubmission.updated_at.desc(), ClaimSubmission.id.desc()]),
        referral_drafts=_section(select(Referral).where(
            Referral.created_by_id == user.id, Referral.status == ReferralStatus.DRAFT),
            [Referral.updated_at.desc(), Referral.id.desc()]),
        denied_since=denied_since, today=today)
