"""Remittance Advice for a payment, the ASC X12 5010 835 file generated from it, and 835 files read
back with linuxforhealth-x12 (we write 835s; we never parse X12 by hand)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from linuxforhealth.x12.io import X12SegmentReader
from linuxforhealth.x12.parsing import create_parser
from pydantic import ValidationError

from webapp.models import Claim, Payment

IMPLEMENTATION = "005010X221A1"
CONTROL_SEGMENTS = ("ISA", "GS", "GE", "IEA")
# Claim filing indicator (CLP06) by line of business (professional claims: Medicare Part B; HMO).
FILING_INDICATOR = {"medicaid": "MC", "medicare": "MB", "commercial": "HM"}


# --- Remittance Advice ------------------------------------------------------------------------

@dataclass
class Totals:
    billed: int = 0
    allowed: int = 0
    patient_share: int = 0
    paid: int = 0
    interest: int = 0
    adjustments: Counter = field(default_factory=Counter)  # "CO-45" -> cents

    def add_line(self, line) -> None:
        self.billed += line.billed_cents
        self.allowed += line.allowed_cents
        self.patient_share += line.patient_responsibility_cents
        self.paid += line.paid_cents
        for adjustment in line.adjustments:
            self.adjustments[adjustment.label] += adjustment.amount_cents

    def add(self, other: "Totals") -> None:
        self.billed += other.billed
        self.allowed += other.allowed
        self.patient_share += other.patient_share
        self.paid += other.paid
        self.interest += other.interest
        self.adjustments.update(other.adjustments)

    @property
    def adjusted(self) -> int:
        return sum(self.adjustments.values())

    @property
    def total_paid(self) -> int:
        return self.paid + self.interest


@dataclass
class RemittanceAdvice:
    payment: Payment
    claims: list[Claim]
    claim_totals: dict[int, Totals]
    totals: Totals

    @property
    def balances(self) -> bool:
        """Billed less adjustments is paid, and paid plus interest is the payment's amount."""
        return (self.totals.billed - self.totals.adjusted == self.totals.paid
                and self.totals.total_paid == self.payment.amount_cents)

    @property
    def line_count(self) -> int:
        return sum(len(claim.lines) for claim in self.claims)

    def pages(self, lines_per_page: int = 20) -> list[list[Claim]]:
        """Claims grouped for print, about `lines_per_page` service lines a sheet; a claim is never split."""
        pages, current, count = [], [], 0
        for claim in self.claims:
            size = max(len(claim.lines), 1)
            if current and count + size > lines_per_page:
                pages.append(current)
                current, count = [], 0
            current.append(claim)
            count += size
        if current:
            pages.append(current)
        return pages


def claim_totals(claim: Claim) -> Totals:
    totals = Totals(interest=claim.interest_cents)
    for line in claim.lines:
        totals.add_line(line)
    return totals


def remittance_advice(payment: Payment) -> RemittanceAdvice:
    claims = [claim for claim in payment.claims if claim.tax_id == payment.payee_tax_id]
    per_claim = {claim.id: claim_totals(claim) for claim in claims}
    totals = Totals()
    for item in per_claim.values():
        totals.add(item)
    return RemittanceAdvice(payment=payment, claims=claims, claim_totals=per_claim, totals=totals)


# --- writing an 835 ---------------------------------------------------------------------------

def _amount(cents: int) -> str:
    text = f"{Decimal(cents) / 100:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _clean(value: str | None, limit: int = 60) -> str:
    """Element text: upper case, without the separators ~ * : ^ (and no line breaks)."""
    return re.sub(r"[~*:^\r\n]", " ", (value or "").upper()).strip()[:limit]


def _split_address(address: str | None):
    match = re.fullmatch(r"(.+), ([^,]+), ([A-Z]{2}) (\d{5}(?:-\d{4})?)", address or "")
    return match.groups() if match else None


def _filing_indicator(claim: Claim) -> str:
    lob = (claim.member.line_of_business or claim.member.plan or "").lower()
    return next((code for key, code in FILING_INDICATOR.items() if key in lob), "HM")


def _claim_status_code(claim: Claim, totals: Totals) -> str:
    # 1 = processed as primary, 4 = denied (CLP02)
    return "4" if totals.paid == 0 and totals.patient_share == 0 else "1"


def build_835(advice: RemittanceAdvice, *, payer_name: str, payer_tax_id: str, payer_address: str,
              payer_id: str, created: datetime, control_number: int = 1) -> str:
    """The payment as one ASC X12 005010X221A1 835 interchange (one transaction set)."""
    payment = advice.payment
    payee_id = payment.payee_tax_id
    segments: list[list[str]] = []
    add = segments.append
    add(["ST", "835", "0001", IMPLEMENTATION])
    paid_on = payment.payment_date.strftime("%Y%m%d")
    if payment.method == "ACH":
        add(["BPR", "I", _amount(payment.amount_cents), "C", "ACH", "CCP", "01", payment.payer_routing, "DA",
             payment.payer_account, "1" + payer_tax_id, "", "01", payment.payee_routing, "DA", payment.payee_account,
             paid_on])
    else:
        add(["BPR", "I", _amount(payment.amount_cents), "C", "CHK", "", "", "", "", "", "", "", "", "", "", "",
             paid_on])
    add(["TRN", "1", _clean(payment.trace_number, 50), "1" + payer_tax_id])
    add(["DTM", "405", paid_on])
    street, city, state, postal = _split_address(payer_address)
    add(["N1", "PR", _clean(payer_name)])
    add(["N3", _clean(street, 55)])
    add(["N4", _clean(city, 30), state, postal.replace("-", "")])
    add(["N1", "PE", _clean(payment.payee_name), "XX", payment.payee_npi])
    payee_address = _split_address(payment.payee_address)
    if payee_address:
        add(["N3", _clean(payee_address[0], 55)])
        add(["N4", _clean(payee_address[1], 30), payee_address[2], payee_address[3].replace("-", "")])
    add(["REF", "TJ", payee_id])
    add(["LX", "1"])
    for claim in advice.claims:
        totals = advice.claim_totals[claim.id]
        member = claim.member
        add(["CLP", _clean(member.patient_account or claim.claim_number, 38), _claim_status_code(claim, totals),
             _amount(totals.billed), _amount(totals.paid), _amount(totals.patient_share), _filing_indicator(claim),
             claim.claim_number])
        add(["NM1", "QC", "1", _clean(member.last_name), _clean(member.first_name), "", "", "", "MR",
             member.member_id])
        add(["DTM", "232", claim.service_from.strftime("%Y%m%d")])
        add(["DTM", "233", claim.service_to.strftime("%Y%m%d")])
        if claim.interest_cents:
            add(["AMT", "I", _amount(claim.interest_cents)])
        for line in claim.lines:
            procedure = ":".join(["HC", line.procedure_code, *line.modifier_list])
            add(["SVC", procedure, _amount(line.billed_cents), _amount(line.paid_cents), "", str(line.units)])
            if line.service_from == line.service_to:
                add(["DTM", "472", line.service_from.strftime("%Y%m%d")])
            else:
                add(["DTM", "150", line.service_from.strftime("%Y%m%d")])
                add(["DTM", "151", line.service_to.strftime("%Y%m%d")])
            for group in ("CO", "PR", "OA", "PI"):
                pairs = [(a.reason_code, a.amount_cents) for a in line.adjustments if a.group_code == group]
                for start in range(0, len(pairs), 6):  # at most 6 reason/amount pairs per CAS
                    cas = ["CAS", group]
                    for reason, amount in pairs[start:start + 6]:
                        cas += [reason, _amount(amount), ""]
                    add(cas[:-1])
            add(["REF", "6R", f"{claim.claim_number}-{line.line_number}"])
            if line.allowed_cents:
                add(["AMT", "B6", _amount(line.allowed_cents)])
            for remark in sorted({a.remark_code for a in line.adjustments if a.remark_code}):
                add(["LQ", "HE", remark])
    interest = [(c.claim_number, c.interest_cents) for c in advice.claims if c.interest_cents]
    if interest:
        # Interest is paid on top of the claims: a provider-level L6 adjustment with a negative amount.
        if len(interest) > 6:
            interest = [("INTEREST", sum(cents for _, cents in interest))]
        plb = ["PLB", payment.payee_npi, f"{payment.payment_date.year}1231"]
        for reference, cents in interest:
            plb += [f"L6:{reference}", _amount(-cents)]
        add(plb)
    add(["SE", str(len(segments) + 1), "0001"])
    stamp_date, stamp_time = created.strftime("%y%m%d"), created.strftime("%H%M")
    control = f"{control_number:09d}"
    header = [
        ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{payer_id[:15]:<15}", "ZZ", f"{payee_id:<15}",
         stamp_date, stamp_time, "^", "00501", control, "0", "P", ":"],
        ["GS", "HP", payer_id, payee_id, created.strftime("%Y%m%d"), stamp_time, str(control_number), "X",
         IMPLEMENTATION],
    ]
    trailer = [["GE", "1", str(control_number)], ["IEA", "1", control]]
    return "~\n".join("*".join(segment) for segment in header + segments + trailer) + "~\n"


# --- reading an 835 ---------------------------------------------------------------------------

class Malformed835(Exception):
    """The file is not a readable 835; `segment` names where reading failed."""

    def __init__(self, segment: str, message: str):
        super().__init__(f"{segment}: {message}")
        self.segment = segment
        self.message = message


@dataclass
class Adjustment835:
    group_code: str
    reason_code: str
    amount_cents: int


@dataclass
class Line835:
    procedure_code: str
    modifiers: list[str]
    billed_cents: int
    paid_cents: int
    units: int | None
    allowed_cents: int | None
    adjustments: list[Adjustment835]
    remarks: list[str]
    control_number: str | None


@dataclass
class Claim835:
    patient_control_number: str
    status_code: str
    billed_cents: int
    paid_cents: int
    patient_share_cents: int
    claim_number: str | None
    member_id: str | None
    interest_cents: int
    lines: list[Line835]


@dataclass
class Payment835:
    trace_number: str
    method: str
    amount_cents: int
    payment_date: date | None
    payee_npi: str | None
    payee_tax_id: str | None
    claims: list[Claim835]
    provider_adjustments_cents: int

    @property
    def balances(self) -> bool:
        """The payment is its claims' payments less the provider-level (PLB) adjustments."""
        return sum(c.paid_cents for c in self.claims) - self.provider_adjustments_cents == self.amount_cents


def _cents(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value()) if value is not None else 0


def _segment_of(location: tuple) -> str:
    """('loop_2000', 0, 'loop_2100', 1, 'clp_segment', 'total_claim_charge_amount') ->
    'CLP segment (loop 2100 #2), total_claim_charge_amount'."""
    parts, segment, loop, element = list(location), None, None, None
    for index, part in enumerate(parts):
        if isinstance(part, str) and part.endswith("_segment"):
            segment = part.removesuffix("_segment").upper()
            element = next((p for p in parts[index + 1:] if isinstance(p, str)), None)
        elif isinstance(part, str) and part.startswith("loop_"):
            number = parts[index + 1] if index + 1 < len(parts) and isinstance(parts[index + 1], int) else None
            loop = f"loop {part[5:].upper()}" + (f" #{number + 1}" if number is not None else "")
    if segment is None:
        return f"{loop or 'transaction'}"
    return f"{segment} segment" + (f" ({loop})" if loop else "") + (f", {element}" if element else "")


def read_835(text: str) -> list[Payment835]:
    """Every payment (transaction set) of an 835 interchange. Raises Malformed835 naming the segment."""
    text = text.lstrip("\ufeff \r\n\t")
    if not text.startswith("ISA") or len(text) < 106:
        raise Malformed835("ISA (segment 1)", "the file does not start with an ISA interchange header")
    payments: list[Payment835] = []
    position, name = 0, "ISA"
    try:
        # The reader takes a file path as well as data: only text starting with "ISA" gets here.
        with X12SegmentReader(text) as reader:
            parser, version, open_transaction = None, None, False
            for position, (name, fields) in enumerate(reader.segments(), start=1):
                if name == "GS":
                    version = fields[8] if len(fields) > 8 else None
                if name in CONTROL_SEGMENTS:
                    continue
                if name == "ST":
                    if len(fields) < 2 or fields[1] != "835":
                        raise Malformed835(f"ST (segment {position})", "this is not an 835 transaction set")
                    parser = create_parser("835", version or (fields[3] if len(fields) > 3 else ""),
                                           reader.delimiters)
                    open_transaction = True
                if parser is None:
                    raise Malformed835(f"{name} (segment {position})", "a segment before the ST header")
                model = parser.parse(name, fields, None)
                if model is not None:
                    payments.append(_payment_of(model, reader.delimiters.component_separator))
                    open_transaction = False
            if open_transaction:
                raise Malformed835(f"{name} (segment {position})", "the file ends before the SE trailer")
    except Malformed835:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Malformed835(f"{_segment_of(tuple(first['loc']))} (transaction ending at segment {position})",
                           first["msg"]) from None
    except Exception as exc:  # the library's own errors: KeyError, ValueError, ModuleNotFoundError...
        raise Malformed835(f"{name} (segment {position})",
                           f"the segment could not be read here ({type(exc).__name__})") from None
    if not payments:
        raise Malformed835("ST", "the file holds no 835 transaction set")
    return payments


def _as_date(value) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        return None


def _components(value, separator: str) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value or "").split(separator)


def _payment_of(model, component_separator: str) -> Payment835:
    header = model.header
    bpr, trn = header.bpr_segment, header.trn_segment
    payee = model.loop_1000b
    tax_id = next((ref.reference_identification for ref in (payee.ref_segment or [])
                   if ref.reference_identification_qualifier == "TJ"), None)
    claims = []
    for loop_2000 in model.loop_2000:
        for loop in loop_2000.loop_2100:
            clp = loop.clp_segment
            patient = next((nm1 for nm1 in loop.nm1_segment if nm1.entity_identifier_code == "QC"), None)
            interest = sum(_cents(amt.monetary_amount) for amt in (loop.amt_segment or [])
                           if amt.amount_qualifier_code == "I")
            lines = []
            for service in loop.loop_2110 or []:
                svc = service.svc_segment
                product = _components(svc.composite_medical_procedure_identifier_1, component_separator)
                adjustments = []
                for cas in service.cas_segment or []:
                    data = cas.dict()
                    for i in range(1, 7):
                        if data.get(f"adjustment_reason_code_{i}"):
                            adjustments.append(Adjustment835(cas.adjustment_group_code,
                                                             data[f"adjustment_reason_code_{i}"],
                                                             _cents(data[f"monetary_amount_{i}"])))
                allowed = next((_cents(a.monetary_amount) for a in (service.amt_segment or [])
                                if a.amount_qualifier_code == "B6"), None)
                control = next((r.reference_identification for r in (service.ref_segment or [])
                                if r.reference_identification_qualifier == "6R"), None)
                lines.append(Line835(
                    procedure_code=product[1] if len(product) > 1 else "", modifiers=[m for m in product[2:6] if m],
                    billed_cents=_cents(svc.line_item_charge_amount),
                    paid_cents=_cents(svc.line_item_provider_payment_amount),
                    units=int(svc.units_of_service_paid_count) if svc.units_of_service_paid_count else None,
                    allowed_cents=allowed, adjustments=adjustments,
                    remarks=[lq.form_identifier for lq in (service.lq_segment or [])], control_number=control))
            claims.append(Claim835(
                patient_control_number=clp.patient_control_number, status_code=str(clp.claim_status_code),
                billed_cents=_cents(clp.total_claim_charge_amount), paid_cents=_cents(clp.claim_payment_amount),
                patient_share_cents=_cents(clp.patient_responsibility_amount),
                claim_number=clp.payer_claim_control_number,
                member_id=patient.identification_code if patient else None, interest_cents=interest,
                lines=lines))
    plb = model.footer.plb_segment
    provider_adjustments = 0
    if plb is not None:
        data = plb.dict()
        provider_adjustments = sum(_cents(value) for key, value in data.items()
                                   if key.startswith("provider_adjustment_amount") and value is not None)
    method = bpr.payment_method_code
    return Payment835(trace_number=trn.reference_identification_1, method=str(method),
                      amount_cents=_cents(bpr.total_actual_provider_payment_amount),
                      payment_date=_as_date(bpr.eft_effective_date), payee_npi=payee.n1_segment.identification_code,
                      payee_tax_id=tax_id, claims=claims, provider_adjustments_cents=provider_adjustments)
