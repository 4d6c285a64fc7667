"""The accepted claim as an ASC X12 5010 837P (professional claim), written here and read back with
linuxforhealth-x12 (the library the 835 uses), which supports the 005010X222A2 errata of the guide."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from linuxforhealth.x12.io import X12SegmentReader
from linuxforhealth.x12.parsing import create_parser
from pydantic import ValidationError

IMPLEMENTATION = "005010X222A2"
CONTROL_SEGMENTS = {"ISA", "GS", "GE", "IEA"}


@dataclass
class Line837:
    service_from: date
    service_to: date
    place_of_service: str
    procedure_code: str
    modifiers: list[str]
    units: int
    charge_cents: int
    pointers: list[int]
    control_number: str = ""


@dataclass
class Claim837:
    claim_number: str
    patient_account: str
    billing_name: str
    billing_npi: str
    billing_tax_id: str
    billing_address: str  # "street, city, ST 12345"
    billing_phone: str
    rendering_npi: str
    rendering_name: str
    member_id: str
    member_first: str
    member_last: str
    member_dob: date
    member_gender: str
    diagnoses: list[str]
    lines: list[Line837]
    prior_authorization: str = ""
    referral_number: str = ""
    filing_indicator: str = "MC"

    @property
    def total_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)


class Malformed837(Exception):
    def __init__(self, segment: str, message: str):
        super().__init__(f"{segment}: {message}")
        self.segment = segment
        self.message = message


def _amount(cents: int) -> str:
    text = f"{Decimal(cents) / 100:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _clean(value: str | None, limit: int = 60) -> str:
    """Element text: upper case, without the separators ~ * : ^ (and no line breaks)."""
    return re.sub(r"[~*:^\r\n]", " ", (value or "").upper()).strip()[:limit]


def _address(address: str):
    match = re.fullmatch(r"(.+), ([^,]+), ([A-Z]{2}) (\d{5}(?:-\d{4})?)", address or "")
    if not match:
        return None
    street, city, state, postal = match.groups()
    if "," in street:  # "1200 Sunrise Boulevard, Suite 300": N301 and N302
        street = street.replace(",", "")
    return street, city, state, postal.replace("-", "")


def _d8(day: date) -> str:
    return day.strftime("%Y%m%d")


def build_837p(claim: Claim837, *, payer_name: str, payer_id: str, created: datetime,
               control_number: int = 1) -> str:
    segments: list[list[str]] = []
    add = segments.append
    add(["ST", "837", "0001", IMPLEMENTATION])
    add(["BHT", "0019", "00", _clean(claim.claim_number, 30), created.strftime("%Y%m%d"),
         created.strftime("%H%M"), "CH"])
    add(["NM1", "41", "2", _clean(claim.billing_name), "", "", "", "", "46", claim.billing_tax_id])
    add(["PER", "IC", _clean(claim.billing_name), "TE", re.sub(r"\D", "", claim.billing_phone) or "0000000000"])
    add(["NM1", "40", "2", _clean(payer_name), "", "", "", "", "46", _clean(payer_id, 80)])
    add(["HL", "1", "", "20", "1"])
    add(["NM1", "85", "2", _clean(claim.billing_name), "", "", "", "", "XX", claim.billing_npi])
    street, city, state, postal = _address(claim.billing_address) or ("UNKNOWN", "UNKNOWN", "CT", "00000")
    add(["N3", _clean(street, 55)])
    add(["N4", _clean(city, 30), state, postal])
    add(["REF", "EI", claim.billing_tax_id])
    add(["HL", "2", "1", "22", "0"])
    add(["SBR", "P", "18", "", "", "", "", "", "", claim.filing_indicator])
    add(["NM1", "IL", "1", _clean(claim.member_last), _clean(claim.member_first), "", "", "", "MI", claim.member_id])
    add(["DMG", "D8", _d8(claim.member_dob), claim.member_gender if claim.member_gender in ("M", "F") else "U"])
    add(["NM1", "PR", "2", _clean(payer_name), "", "", "", "", "PI", _clean(payer_id, 80)])
    first_pos = claim.lines[0].place_of_service if claim.lines else "11"
    add(["CLM", _clean(claim.patient_account or claim.claim_number, 38), _amount(claim.total_cents), "", "",
         f"{first_pos}:B:1", "Y", "A", "Y", "Y"])
    if claim.prior_authorization:
        add(["REF", "G1", _clean(claim.prior_authorization, 50)])
    if claim.referral_number:
        add(["REF", "9F", _clean(claim.referral_number, 50)])
    add(["REF", "D9", claim.claim_number])  # the claim number, so the reader can match the claim
    add(["HI"] + [f"{'ABK' if i == 0 else 'ABF'}:{code.replace('.', '')}"
                  for i, code in enumerate(claim.diagnoses)])
    add(["NM1", "82", "1", _clean(claim.rendering_name or claim.billing_name), "", "", "", "", "XX",
         claim.rendering_npi])
    for number, line in enumerate(claim.lines, start=1):
        add(["LX", str(number)])
        add(["SV1", ":".join(["HC", line.procedure_code, *line.modifiers]), _amount(line.charge_cents), "UN",
             str(line.units), line.place_of_service, "", ":".join(str(p) for p in line.pointers)])
        if line.service_from == line.service_to:
            add(["DTP", "472", "D8", _d8(line.service_from)])
        else:
            add(["DTP", "472", "RD8", f"{_d8(line.service_from)}-{_d8(line.service_to)}"])
        add(["REF", "6R", line.control_number or f"{claim.claim_number}-{number}"])
    add(["SE", str(len(segments) + 1), "0001"])
    stamp_date, stamp_time = created.strftime("%y%m%d"), created.strftime("%H%M")
    control = f"{control_number:09d}"
    sender = claim.billing_tax_id
    header = [
        ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{sender:<15}", "ZZ", f"{payer_id[:15]:<15}",
         stamp_date, stamp_time, "^", "00501", control, "0", "P", ":"],
        ["GS", "HC", sender, payer_id, created.strftime("%Y%m%d"), stamp_time, str(control_number), "X",
         IMPLEMENTATION],
    ]
    trailer = [["GE", "1", str(control_number)], ["IEA", "1", control]]
    return "~\n".join("*".join(segment).rstrip("*") for segment in header + segments + trailer) + "~\n"


# --- reading back --------------------------------------------------------------------------------

@dataclass
class ReadLine:
    procedure_code: str
    modifiers: list[str]
    charge_cents: int
    units: int
    pointers: list[int]


@dataclass
class ReadClaim:
    claim_number: str | None
    patient_account: str
    total_cents: int
    billing_npi: str
    member_id: str
    diagnoses: list[str]
    lines: list[ReadLine] = field(default_factory=list)

    @property
    def lines_total_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)


def _cents(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value()) if value is not None else 0


def _components(value, separator: str) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value or "").split(separator)


def _claims_of(model, separator: str) -> list[ReadClaim]:
    claims = []
    for loop_a in model.loop_2000a:
        billing_npi = loop_a.loop_2010aa.nm1_segment.identification_code
        for loop_b in loop_a.loop_2000b:
            member_id = loop_b.loop_2010ba.nm1_segment.identification_code
            for loop in loop_b.loop_2300 or []:
                clm = loop.clm_segment
                number = next((r.reference_identification for r in (loop.ref_segment or [])
                               if r.reference_identification_qualifier == "D9"), None)
                diagnoses = []
                for hi in loop.hi_segment or []:
                    data = hi.dict()
                    for i in range(1, 13):
                        value = data.get(f"health_care_code_{i}")
                        if value:
                            diagnoses.append(_components(value, separator)[1])
                read = ReadClaim(claim_number=number, patient_account=clm.patient_control_number,
                                 total_cents=_cents(clm.total_claim_charge_amount), billing_npi=billing_npi,
                                 member_id=member_id, diagnoses=diagnoses)
                for service in loop.loop_2400:
                    sv1 = service.sv1_segment
                    product = _components(sv1.product_service_id_qualifier, separator)
                    read.lines.append(ReadLine(
                        procedure_code=product[1] if len(product) > 1 else "",
                        modifiers=[m for m in product[2:6] if m], charge_cents=_cents(sv1.line_item_charge_amount),
                        units=int(sv1.service_unit_count),
                        pointers=[int(p) for p in _components(sv1.composite_diagnosis_code_pointer, separator) if p]))
                claims.append(read)
    return claims


def read_837p(text: str) -> list[ReadClaim]:
    """Every claim of an 837P interchange. Raises Malformed837 naming the segment where reading failed."""
    text = text.lstrip("\ufeff \r\n\t")
    if not text.startswith("ISA") or len(text) < 106:
        raise Malformed837("ISA (segment 1)", "the file does not start with an ISA interchange header")
    claims: list[ReadClaim] = []
    position, name = 0, "ISA"
    try:
        with X12SegmentReader(text) as reader:
            parser, version = None, None
            for position, (name, fields) in enumerate(reader.segments(), start=1):
                if name == "GS":
                    version = fields[8] if len(fields) > 8 else None
                if name in CONTROL_SEGMENTS:
                    continue
                if name == "ST":
                    if len(fields) < 2 or fields[1] != "837":
                        raise Malformed837(f"ST (segment {position})", "this is not an 837 transaction set")
                    parser = create_parser("837", version or IMPLEMENTATION, reader.delimiters)
                if parser is None:
                    raise Malformed837(f"{name} (segment {position})", "a segment before the ST header")
                model = parser.parse(name, fields, None)
                if model is not None:
                    claims += _claims_of(model, reader.delimiters.component_separator)
    except Malformed837:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Malformed837(f"{'.'.join(str(p) for p in first['loc'])} (segment {position})", first["msg"]) from None
    except Exception as exc:  # the library's own errors
        raise Malformed837(f"{name} (segment {position})",
                           f"the segment could not be read here ({type(exc).__name__})") from None
    if not claims:
        raise Malformed837("ST", "the file holds no 837 claim")
    return claims
