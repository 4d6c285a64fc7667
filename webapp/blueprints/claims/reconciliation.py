"""Payment reconciliation (ERA matching): each payment of a date range with its claims marked
matched, partially paid or denied; unpaid claims by age; an uploaded 835 compared with our claims."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.claims.remittance import Payment835, Totals, claim_totals
from webapp.blueprints.claims.services import money, user_tax_ids
from webapp.extensions import db
from webapp.models import Claim, ClaimStatus, Payment, ServiceLine, User

CONTRACTUAL_CARC = "45"  # charge above the fee schedule: the expected contractual write-off
OUTCOME_LABELS = {"matched": "Matched", "partial": "Partially paid", "denied": "Denied",
                  "overpaid": "Paid more than expected"}
AGING_BUCKETS = [(31, 60, "31–60 days"), (61, 90, "61–90 days"), (91, None, "Over 90 days")]


def expected_payment(totals: Totals) -> int:
    """What a clean claim pays: billed, less the contractual reduction (CO-45) and the patient's share."""
    contractual = totals.adjustments.get(f"CO-{CONTRACTUAL_CARC}", 0)
    return totals.billed - contractual - totals.patient_share


def outcome(totals: Totals) -> str:
    expected = expected_payment(totals)
    if totals.paid == expected:
        return "matched"
    if totals.paid == 0:
        return "denied"
    return "partial" if totals.paid < expected else "overpaid"


@dataclass
class ClaimMatch:
    claim: Claim
    totals: Totals
    expected: int
    outcome: str

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def codes(self) -> list[str]:
        return sorted(code for code in self.totals.adjustments if not code.startswith("PR-") and code != "CO-45")


@dataclass
class PaymentMatch:
    payment: Payment
    claims: list[ClaimMatch]
    totals: Totals


@dataclass
class Reconciliation:
    date_from: date
    date_to: date
    payments: list[PaymentMatch]
    totals: Totals
    counts: dict[str, int]
    aging: list[tuple[str, list[Claim]]]
    payment_total: int = 0


def reconcile(user: User, date_from: date, date_to: date, today: date) -> Reconciliation:
    tax_ids = user_tax_ids(user)
    payments = list(db.session.scalars(
        select(Payment).where(Payment.payee_tax_id.in_(tax_ids), Payment.payment_date >= date_from,
                              Payment.payment_date <= date_to)
        .order_by(Payment.payment_date, Payment.trace_number)))
    traces = [p.trace_number for p in payments]
    claims_by_trace: dict[str, list[Claim]] = {}
    if traces:
        for claim in db.session.scalars(
                select(Claim).where(Claim.check_number.in_(traces), Claim.tax_id.in_(tax_ids))
                .options(selectinload(Claim.lines).selectinload(ServiceLine.adjustments),
                         selectinload(Claim.member)).order_by(Claim.claim_number)):
            claims_by_trace.setdefault(claim.check_number, []).append(claim)
    grand, counts, rows = Totals(), dict.fromkeys(OUTCOME_LABELS, 0), []
    for payment in payments:
        matches, subtotal = [], Totals()
        for claim in claims_by_trace.get(payment.trace_number, []):
            totals = claim_totals(claim)
            result = outcome(totals)
            counts[result] += 1
            matches.append(ClaimMatch(claim, totals, expected_payment(totals), result))
            subtotal.add(totals)
        grand.add(subtotal)
        rows.append(PaymentMatch(payment, matches, subtotal))
    return Reconciliation(date_from, date_to, rows, grand, counts, unpaid_by_age(tax_ids, today),
                          payment_total=sum(p.amount_cents for p in payments))


def unpaid_by_age(tax_ids: set[str], today: date) -> list[tuple[str, list[Claim]]]:
    """Claims received and still unpaid (no check) after 30, 60 and 90 days, oldest first."""
    unpaid = list(db.session.scalars(
        select(Claim).where(Claim.tax_id.in_(tax_ids), Claim.check_number.is_(None),
                            Claim.status.in_([ClaimStatus.IN_PROGRESS, ClaimStatus.CHECK_PENDING]),
                            Claim.received_date <= today - timedelta(days=31))
        .options(selectinload(Claim.member)).order_by(Claim.received_date, Claim.claim_number)))
    buckets = []
    for low, high, label in AGING_BUCKETS:
        buckets.append((label, [c for c in unpaid if (today - c.received_date).days >= low
                                and (high is None or (today - c.received_date).days <= high)]))
    return buckets


CSV_COLUMNS = ["Payment", "Method", "Payment Date", "Claim Number", "CIN", "Member Name", "Date of Service",
               "Billed", "Allowed", "Patient Responsibility", "Paid", "Interest", "Expected", "Result", "Codes"]


def reconciliation_csv(result: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    plain = lambda cents: f"{cents / 100:.2f}"  # noqa: E731
    for row in result.payments:
        for match in row.claims:
            claim, totals = match.claim, match.totals
            writer.writerow([row.payment.trace_number, row.payment.method_label, row.payment.payment_date.isoformat(),
                             claim.claim_number, claim.member.member_id, _csv_safe(claim.member.full_name),
                             claim.service_from.isoformat(), plain(totals.billed), plain(totals.allowed),
                             plain(totals.patient_share), plain(totals.paid), plain(totals.interest),
                             plain(match.expected), match.label, " ".join(match.codes)])
    writer.writerow(["Total", "", "", "", "", "", "", plain(result.totals.billed), plain(result.totals.allowed),
                     plain(result.totals.patient_share), plain(result.totals.paid), plain(result.totals.interest),
                     "", "", ""])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """No spreadsheet formulas from data (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- an uploaded 835 compared with our claims --------------------------------------------------

@dataclass
class ClaimComparison:
    claim_number: str
    claim: Claim | None
    differences: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return self.claim is not None and not self.differences


@dataclass
class PaymentComparison:
    payment: Payment835
    ours: Payment | None
    notes: list[str]
    claims: list[ClaimComparison]


def _adjustments_text(adjustments) -> str:
    return ", ".join(f"{group}-{reason} {money(cents)}" for group, reason, cents in adjustments) or "none"


def compare_835(user: User, payments: list[Payment835]) -> list[PaymentComparison]:
    """Which claims of the file are ours (of the user's Tax IDs) and which amounts or lines differ."""
    tax_ids = user_tax_ids(user)
    numbers = [c.claim_number for p in payments for c in p.claims if c.claim_number]
    ours = {c.claim_number: c for c in db.session.scalars(
        select(Claim).where(Claim.claim_number.in_(numbers), Claim.tax_id.in_(tax_ids))
        .options(selectinload(Claim.lines).selectinload(ServiceLine.adjustments)))} if numbers else {}
    traces = [p.trace_number for p in payments]
    our_payments = {p.trace_number: p for p in db.session.scalars(
        select(Payment).where(Payment.trace_number.in_(traces), Payment.payee_tax_id.in_(tax_ids)))}
    result = []
    for payment in payments:
        notes = []
        mine = our_payments.get(payment.trace_number)
        if mine is None:
            notes.append(f"Payment {payment.trace_number} is not among your payments.")
        elif mine.amount_cents != payment.amount_cents:
            notes.append(f"The file pays {money(payment.amount_cents)}; our payment {mine.trace_number} "
                         f"is {money(mine.amount_cents)}.")
        if not payment.balances:
            notes.append(f"The file does not add up: its claims pay {money(sum(c.paid_cents for c in payment.claims))}, "
                         f"provider adjustments {money(payment.provider_adjustments_cents)}, "
                         f"total {money(payment.amount_cents)}.")
        comparisons = [_compare_claim(item, ours.get(item.claim_number or "")) for item in payment.claims]
        result.append(PaymentComparison(payment, mine, notes, comparisons))
    return result


def _compare_claim(item, claim: Claim | None) -> ClaimComparison:
    comparison = ClaimComparison(item.claim_number or item.patient_control_number, claim)
    if claim is None:
        comparison.differences.append("Not one of your claims.")
        return comparison
    totals = claim_totals(claim)
    diff = comparison.differences
    for label, theirs, mine in (("Billed", item.billed_cents, totals.billed), ("Paid", item.paid_cents, totals.paid),
                                ("Patient responsibility", item.patient_share_cents, totals.patient_share),
                                ("Interest", item.interest_cents, claim.interest_cents)):
        if theirs != mine:
            diff.append(f"{label}: the file says {money(theirs)}, the claim {money(mine)}.")
    lines = {f"{claim.claim_number}-{line.line_number}": line for line in claim.lines}
    for position, line835 in enumerate(item.lines, start=1):
        line = lines.pop(line835.control_number, None) if line835.control_number else None
        if line is None and not line835.control_number and position <= len(claim.lines):
            line = claim.lines[position - 1]
            lines.pop(f"{claim.claim_number}-{line.line_number}", None)
        if line is None:
            diff.append(f"Line {position} ({line835.procedure_code}) of the file is not on the claim.")
            continue
        name = f"Line {line.line_number} ({line.procedure_code})"
        if line835.procedure_code != line.procedure_code or line835.modifiers != line.modifier_list:
            diff.append(f"{name}: the file has code {':'.join([line835.procedure_code, *line835.modifiers])}.")
        for label, theirs, mine in (("billed", line835.billed_cents, line.billed_cents),
                                    ("paid", line835.paid_cents, line.paid_cents),
                                    ("allowed", line835.allowed_cents, line.allowed_cents or None)):
            if theirs != mine:
                diff.append(f"{name}: {label} in the file {money(theirs or 0)}, on the claim {money(mine or 0)}.")
        theirs = sorted((a.group_code, a.reason_code, a.amount_cents) for a in line835.adjustments)
        mine = sorted((a.group_code, a.reason_code, a.amount_cents) for a in line.adjustments)
        if theirs != mine:
            diff.append(f"{name}: adjustments in the file {_adjustments_text(theirs)}; on the claim {_adjustments_text(mine)}.")
    for line in lines.values():
        diff.append(f"Line {line.line_number} ({line.procedure_code}) of the claim is not in the file.")
    return comparison
