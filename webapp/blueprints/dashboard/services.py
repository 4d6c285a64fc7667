"""The office's billing dashboard for one Tax ID and a date range: every figure is one aggregate query
on indexed columns (claim: tax_id + paid_date / received_date / service_from; payment: payee + date)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, exists, func, literal, select

from webapp.extensions import db
from webapp.models import Claim, ClaimStatus, EligibilityCheck, Payment, RemittanceCode

AGE_BUCKETS = [("0–30 days", 0, 30), ("31–60 days", 31, 60), ("61–90 days", 61, 90), ("90+ days", 91, None)]
TOP_CODES = 5


@dataclass
class Dashboard:
    tax_id: str
    date_from: date
    date_to: date
    payments: dict[int, int] = field(default_factory=dict)  # window days -> cents received
    adjustments: dict[int, int] = field(default_factory=dict)  # window days -> billed less paid
    outstanding_cents: int = 0
    outstanding_count: int = 0
    days_in_ar: float | None = None
    adjudicated: int = 0
    denied: int = 0
    trend: list[tuple[str, int, int]] = field(default_factory=list)  # (YYYY-MM, adjudicated, denied)
    pending: list[tuple[str, int, int]] = field(default_factory=list)  # (bucket, claims, billed cents)
    top_codes: list[tuple[str, int, str]] = field(default_factory=list)  # (code, claims, explanation)
    eligibility_pending: int = 0

    @property
    def denial_rate(self) -> float | None:
        return self.denied / self.adjudicated if self.adjudicated else None


def _unpaid(tax_id: str):
    return and_(Claim.tax_id == tax_id, Claim.paid_date.is_(None), Claim.status != ClaimStatus.ORIGINAL)


def _adjudicated(tax_id: str, date_from: date, date_to: date):
    return and_(Claim.tax_id == tax_id, Claim.paid_date >= date_from, Claim.paid_date <= date_to,
                Claim.status != ClaimStatus.ORIGINAL)


def _is_denied():
    return and_(Claim.paid_cents == 0, Claim.denial_reason.is_not(None))


def dashboard(tax_id: str, date_from: date, date_to: date) -> Dashboard:
    board = Dashboard(tax_id, date_from, date_to)
    # Both windows in one query each: sums over the 90 days, with the last 30 days as a conditional sum.
    start_30, start_90 = date_to - timedelta(days=29), date_to - timedelta(days=89)
    board.payments[30], board.payments[90] = (int(v or 0) for v in db.session.execute(
        select(func.sum(case((Payment.payment_date >= start_30, Payment.amount_cents), else_=0)),
               func.sum(Payment.amount_cents))
        .where(Payment.payee_tax_id == tax_id, Payment.payment_date >= start_90,
               Payment.payment_date <= date_to)).one())
    board.adjustments[30], board.adjustments[90] = (int(v or 0) for v in db.session.execute(
        select(func.sum(case((Claim.paid_date >= start_30, Claim.billed_cents - Claim.paid_cents), else_=0)),
               func.sum(Claim.billed_cents - Claim.paid_cents))
        .where(_adjudicated(tax_id, start_90, date_to))).one())
    board.outstanding_cents, board.outstanding_count = db.session.execute(
        select(func.coalesce(func.sum(Claim.billed_cents), 0), func.count()).where(_unpaid(tax_id))).one()
    charges = db.session.scalar(select(func.coalesce(func.sum(Claim.billed_cents), 0)).where(
        Claim.tax_id == tax_id, Claim.service_from >= date_from, Claim.service_from <= date_to,
        Claim.status != ClaimStatus.ORIGINAL))
    days = (date_to - date_from).days + 1
    if charges:
        board.days_in_ar = round(board.outstanding_cents / (charges / days), 1)
    month = func.substr(func.cast(Claim.paid_date, db.String), 1, 7)
    denied = func.sum(case((_is_denied(), 1), else_=0))
    rows = db.session.execute(select(month, func.count(), denied).where(_adjudicated(tax_id, date_from, date_to))
                              .group_by(month).order_by(month)).all()
    board.trend = [(m, count, int(d or 0)) for m, count, d in rows]
    board.adjudicated = sum(r[1] for r in board.trend)
    board.denied = sum(r[2] for r in board.trend)
    age = func.julianday(date_to) - func.julianday(Claim.received_date) if db.engine.dialect.name == "sqlite" \
        else (literal(date_to, Date) - Claim.received_date)
    bucket = case(*[(age <= high, label) for label, _, high in AGE_BUCKETS if high is not None],
                  else_=AGE_BUCKETS[-1][0])
    counts = {label: (count, cents) for label, count, cents in db.session.execute(
        select(bucket, func.count(), func.sum(Claim.billed_cents)).where(_unpaid(tax_id)).group_by(bucket))}
    board.pending = [(label, counts.get(label, (0, 0))[0], int(counts.get(label, (0, 0))[1] or 0))
                     for label, _, _ in AGE_BUCKETS]
    reasons = db.session.execute(
        select(Claim.denial_reason, func.count()).where(_adjudicated(tax_id, date_from, date_to), _is_denied())
        .group_by(Claim.denial_reason)).all()
    by_code: dict[str, int] = {}
    for reason, count in reasons:
        code = reason.split()[0].upper()
        by_code[code] = by_code.get(code, 0) + count
    top = sorted(by_code.items(), key=lambda item: (-item[1], item[0]))[:TOP_CODES]
    carcs = [code.split("-", 1)[-1] for code, _ in top]
    explanations = dict(db.session.execute(select(RemittanceCode.code, RemittanceCode.explanation).where(
        RemittanceCode.kind == "CARC", RemittanceCode.code.in_(carcs))).all()) if carcs else {}
    board.top_codes = [(code, count, explanations.get(code.split("-", 1)[-1], "No explanation on file."))
                       for code, count in top]
    checked = exists().where(EligibilityCheck.member_id == Claim.member_id,
                             EligibilityCheck.service_date == Claim.service_from)
    board.eligibility_pending = db.session.scalar(select(func.count()).where(_unpaid(tax_id), ~checked))
    return board


# --- charts -----------------------------------------------------------------------------------------

@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float


def bars(items: list[tuple[str, float, str]], *, width: int = 480, height: int = 160) -> list[Bar]:
    """Bar geometry for an inline SVG chart: (label, value, value as text) -> positioned bars."""
    if not items:
        return []
    top = max(value for _, value, _ in items) or 1
    slot = width / len(items)
    plot = height - 40  # room for the value above and the label below
    result = []
    for index, (label, value, text) in enumerate(items):
        bar_height = round(plot * value / top, 1)
        result.append(Bar(label, value, text, round(index * slot + slot * 0.2, 1), round(20 + plot - bar_height, 1),
                          round(slot * 0.6, 1), bar_height))
    return result
