"""Provider Home: "what needs you"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, func, select

from webapp.blueprints.cases.services import cases_visible_to
from webapp.blueprints.claims.services import claims_visible_to, denied_claim, user_tax_ids
from webapp.blueprints.messages.services import threads_visible_to, unread_threads_visible_to
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (Case, CaseStatus, Claim, ClaimSubmission, MessageCategory,
                           MessageSubcategory, MessageThread, Provider, Referral, ReferralStatus,
                           SubmissionStatus, ThreadStatus, User)
from webapp.statements import prepared, viewer_kind, viewer_params

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


def _section(name: str, build, order, params: dict) -> HomeSection:
    """The first HOME_LIST rows of `build()` (built once per `name`) in `order`, and their count."""
    listing = prepared(("home", name), lambda: build().order_by(*order).limit(HOME_LIST))
    rows = list(db.session.scalars(listing, params))
    # Fewer rows than the limit are the whole count: the counting query only for a full list.
    if len(rows) < HOME_LIST:
        return HomeSection(len(rows), rows)
    count = prepared(("home.count", name), lambda: select(func.count()).select_from(build().subquery()))
    return HomeSection(db.session.scalar(count, params) or 0, rows)


def provider_home(user: User, today: date | None = None,
                  providers: list[Provider] | None = None) -> ProviderHome:
    """Counts and the first few of what waits for the office; each links to its filtered page.
    `providers`: the user's active providers when the caller has them already."""
    today = today or utcnow_naive().date()
    tax_ids = {p.tax_id for p in providers} if providers is not None else user_tax_ids(user)
    kind = viewer_kind(user)
    denied_since = today - timedelta(days=DENIED_DAYS)
    params = {**viewer_params(user), "tax_ids": sorted(tax_ids), "denied_since": denied_since}
    return ProviderHome(
        waiting_cases=_section(f"waiting_cases.{kind}", lambda: select(Case).where(
            cases_visible_to(kind), Case.status == CaseStatus.PENDING_PROVIDER, Case.merged_into_id.is_(None)),
            [Case.updated_at.desc(), Case.id.desc()], params),
        unread_threads=_section(f"unread_threads.{kind}", lambda: unread_threads_visible_to(kind),
                                [MessageThread.last_activity_at.desc(), MessageThread.id.desc()], params),
        grievances=_section(f"grievances.{kind}", lambda: (
            threads_visible_to(kind).join(MessageSubcategory).join(MessageCategory)
            .where(MessageCategory.slug == GRIEVANCE_CATEGORY, MessageThread.status != ThreadStatus.CLOSED)),
            [MessageThread.due_at.is_(None), MessageThread.due_at, MessageThread.id], params),
        denied_claims=_section("denied_claims", lambda: claims_visible_to(False).where(
            denied_claim(), Claim.paid_date >= bindparam("denied_since")),
            [Claim.paid_date.desc(), Claim.id.desc()], params),
        claim_drafts=_section("claim_drafts", lambda: select(ClaimSubmission).where(
            ClaimSubmission.user_id == bindparam("viewer_id"),
            ClaimSubmission.status.in_([SubmissionStatus.DRAFT, SubmissionStatus.REJECTED])),
            [ClaimSubmission.updated_at.desc(), ClaimSubmission.id.desc()], params),
        referral_drafts=_section("referral_drafts", lambda: select(Referral).where(
            Referral.created_by_id == bindparam("viewer_id"), Referral.status == ReferralStatus.DRAFT),
            [Referral.updated_at.desc(), Referral.id.desc()], params),
        denied_since=denied_since, today=today)
