"""Write the demo extracts (data/demo/): members, coverage, claims, claim lines, diagnoses, payments.
Deterministic: the same files every run.

    python scripts/make_demo_claims.py

Claims are adjudicated the way a plan does it, so every file agrees with the others: a line's
adjustments add up to billed less paid, a claim's lines add up to the claim, a payment to the claims
it pays (plus interest), and the members' deductible and out-of-pocket amounts met come from their
claims of the plan year.
"""
from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "demo"
FIRST = ["Ana", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hector", "Irene", "James",
         "Karen", "Luis", "Monica", "Nathan", "Olivia", "Paul", "Rosa", "Samuel", "Teresa", "Victor"]
LAST = ["Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ibrahim",
        "Jensen", "Kim", "Lee", "Martin", "Novak", "Owens", "Patel", "Quinn", "Reyes", "Silva", "Turner"]
CITIES = ["Hartford", "West Hartford", "New Britain", "Manchester", "New Haven", "Hamden", "Milford"]
STREETS = ["Main Street", "Elm Street", "Farmington Avenue", "Park Road", "Whitney Avenue", "Oak Lane"]
LANGUAGES = ["English"] * 6 + ["Spanish"] * 3 + ["Polish", "Portuguese", "Vietnamese"]
NETWORKS = ["Sunrise Medical Network", "Harbor Pediatric Network", "Plan Direct Network"]
# plan -> (line of business, copays primary/specialist/urgent/emergency in $, coinsurance %,
#          deductible $, out-of-pocket maximum $)
PLANS = {
    "Medicare Advantage": ("Medicare", (0, 40, 50, 120), 20, 250, 5900),
    "Medicaid": ("Medicaid", (0, 0, 0, 0), 0, 0, 0),
    "Commercial": ("Commercial", (25, 50, 75, 250), 20, 1500, 6000),
}
# (code, description, fee $, visit type for the copay or None, for children, for adults)
PROCEDURES = [
    ("99213", "Office visit, established patient, low", 150, "primary", True, True),
    ("99214", "Office visit, established patient, moderate", 220, "primary", True, True),
    ("99203", "Office visit, new patient, low", 200, "primary", True, True),
    ("99395", "Preventive visit, 18-39 years", 250, None, False, True),
    ("99391", "Preventive visit, infant", 180, None, True, False),
    ("99392", "Preventive visit, 1-4 years", 190, None, True, False),
    ("36415", "Routine venipuncture", 25, None, False, True),
    ("80053", "Comprehensive metabolic panel", 60, None, False, True),
    ("85025", "Complete blood count", 45, None, True, True),
    ("81002", "Urinalysis, non-automated", 20, None, True, True),
    ("90686", "Influenza vaccine, quadrivalent", 40, None, True, True),
    ("90471", "Immunization administration", 30, None, True, True),
    ("93000", "Electrocardiogram, complete", 90, None, False, True),
    ("71046", "Chest X-ray, 2 views", 160, None, True, True),
    ("87880", "Strep test, rapid", 40, None, True, False),
    ("96127", "Brief emotional/behavioral assessment", 25, None, True, False),
    ("G0439", "Annual wellness visit, subsequent", 210, None, False, True),
    ("20610", "Arthrocentesis, major joint", 220, "specialist", False, True),
    ("J1030", "Methylprednisolone acetate, 40 mg", 35, None, False, True),
]
DIAGNOSES_ADULT = [
    ("I10", "Essential (primary) hypertension"),
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("E78.5", "Hyperlipidemia, unspecified"),
    ("J06.9", "Acute upper respiratory infection, unspecified"),
    ("Z00.00", "Encounter for general adult medical examination without abnormal findings"),
    ("M54.50", "Low back pain, unspecified"),
    ("F41.1", "Generalized anxiety disorder"),
    ("M17.11", "Unilateral primary osteoarthritis, right knee"),
    ("K21.9", "Gastro-esophageal reflux disease without esophagitis"),
    ("Z23", "Encounter for immunization"),
]
DIAGNOSES_CHILD = [
    ("Z00.129", "Encounter for routine child health examination without abnormal findings"),
    ("J02.0", "Streptococcal pharyngitis"),
    ("J45.909", "Unspecified asthma, uncomplicated"),
    ("H66.90", "Otitis media, unspecified, unspecified ear"),
    ("L20.9", "Atopic dermatitis, unspecified"),
    ("R05.9", "Cough, unspecified"),
    ("Z23", "Encounter for immunization"),
]
# Whole-claim denials: (CARC, RARC or "", claim-level denial text)
CLAIM_DENIALS = [
    ("16", "MA130", "CO-16 Claim lacks information needed for adjudication"),
    ("29", "", "CO-29 The time limit for filing has expired"),
    ("197", "N54", "CO-197 Precertification/authorization absent"),
    ("50", "N115", "CO-50 Not deemed a medical necessity"),
    ("109", "", "CO-109 Not covered by this payer"),
]
# Single-line denials inside a paid claim
LINE_DENIALS = [("97", "M15"), ("97", "N20"), ("151", "M86"), ("4", "N657"), ("11", "M76"), ("96", "N130")]
GROUPS = [  # (member prefix, tax id, NPIs, members, claims, children only, payee and practice details)
    ("C1", "000123456", ("1234567893", "1987654328"), 40, 200, False),
    ("C2", "000987654", ("1555555550",), 25, 100, True),
]
PROVIDERS = {  # NPI -> (name, address, phone, fax)
    "1234567893": ("Sunrise Family Medical Group", "1200 Sunrise Boulevard, Suite 300, Hartford, CT 06103",
                   "(860) 555-0142", "(860) 555-0149"),
    "1987654328": ("Maria Lopez, MD", "1200 Sunrise Boulevard, Suite 300, Hartford, CT 06103",
                   "(860) 555-0143", "(860) 555-0149"),
    "1555555550": ("Harbor Pediatrics", "45 Harbor Street, New Haven, CT 06510", "(203) 555-0187",
                   "(203) 555-0188"),
}
PAYEE_BY_TAX_ID = {"000123456": "1234567893", "000987654": "1555555550"}
TODAY = date(2026, 12, 1)
# Invented EFT details for the demo (routing numbers pass the ABA checksum; accounts are made up).
DEMO_BANK = {"payer_routing": "123123123", "payer_account": "5000012345",
             "payee_routing": "111000025", "payee_account": "7788990011"}


def dollars(cents: int) -> str:
    return f"{cents / 100:.2f}"


def make_members(rng):
    members, coverage, by_group = [], [], {}
    for prefix, tax_id, npis, member_count, _, children in GROUPS:
        ids = []
        for n in range(1, member_count + 1):
            member_id = f"{prefix}{n:07d}"
            born = (date(2010, 1, 1) if children else date(1940, 1, 1)) + timedelta(
                days=rng.randrange(0, 14 * 365 if children else 60 * 365))
            plan = "Medicaid" if children else rng.choice(list(PLANS))
            pcp = npis[n % len(npis)] if n % 4 else ""
            first, last, city = rng.choice(FIRST), rng.choice(LAST), rng.choice(CITIES)
            ended = "" if n % 9 else "2026-06-30"
            network = NETWORKS[1] if children else (NETWORKS[0] if pcp else NETWORKS[2])
            members.append({
                "member_id": member_id, "first_name": first, "last_name": last,
                "date_of_birth": born.isoformat(), "gender": rng.choice("FM"), "city": city, "plan": plan,
                "eligible_from": "2025-01-01", "eligible_to": ended, "pcp_npi": pcp,
                "language": rng.choice(LANGUAGES), "health_network": network,
                "line_of_business": PLANS[plan][0], "pcp_name": PROVIDERS[pcp][0] if pcp else "",
                "address": f"{rng.randrange(10, 999)} {rng.choice(STREETS)}", "state": "CT",
                "postal_code": f"06{rng.randrange(100, 999)}", "phone": f"(860) 555-{rng.randrange(1000, 9999)}",
                "email": f"{first.lower()}.{last.lower()}{n}@mail.example" if n % 3 else "",
                "patient_account": f"{prefix}PA{rng.randrange(10000, 99999)}",
            })
            ids.append(member_id)
            # The previous plan year (a different plan for some adults), then the current one.
            previous = plan if children or n % 5 else "Commercial" if plan != "Commercial" else "Medicaid"
            coverage.append(dict(member_id=member_id, start_date="2025-01-01", end_date="2025-12-31",
                                 plan=previous, network=network, pcp_npi=pcp))
            coverage.append(dict(member_id=member_id, start_date="2026-01-01", end_date=ended,
                                 plan=plan, network=network, pcp_npi=pcp))
        by_group[prefix] = ids
    return members, coverage, by_group


def benefits(plan: str):
    lob, copays, coinsurance, deductible, oop = PLANS[plan]
    return lob, [c * 100 for c in copays], coinsurance, deductible * 100, oop * 100


def main() -> None:
    rng = random.Random(2026)
    members, coverage, ids_by_group = make_members(rng)
    member_by_id = {m["member_id"]: m for m in members}
    current = {c["member_id"]: c for c in coverage if c["start_date"] == "2026-01-01"}
    claims, lines, diagnoses = [], [], []
    claim_seq = 2610000001
    skeletons = []
    for prefix, tax_id, npis, _, claim_count, children in GROUPS:
        for _ in range(claim_count):
            served = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 300))
            skeletons.append(dict(number=str(claim_seq), member_id=rng.choice(ids_by_group[prefix]),
                                  npi=rng.choice(npis), tax_id=tax_id, served=served,
                                  received=served + timedelta(days=rng.randrange(3, 20)),
                                  roll=rng.random(), children=children))
            claim_seq += 1
    # Adjudicate in order of service so deductibles fill up as they would.
    met = defaultdict(lambda: [0, 0])  # member -> [deductible met, out of pocket met]
    for sk in sorted(skeletons, key=lambda s: (s["served"], s["number"])):
        member = member_by_id[sk["member_id"]]
        cover = current[sk["member_id"]]
        lob, copays, coinsurance, deductible, oop = benefits(cover["plan"])
        ended = cover["end_date"] and sk["served"] > date.fromisoformat(cover["end_date"])
        pool = [p for p in PROCEDURES if (p[4] if sk["children"] else p[5])]
        visit = rng.choice([p for p in pool if p[3]])
        chosen = [visit] + rng.sample([p for p in pool if not p[3]], rng.randrange(0, 3))
        dx_pool = DIAGNOSES_CHILD if sk["children"] else DIAGNOSES_ADULT
        for seq, (code, text) in enumerate(rng.sample(dx_pool, rng.randrange(1, 4)), start=1):
            diagnoses.append({"claim_number": sk["number"], "sequence": seq, "code": code, "description": text})
        roll = sk["roll"]
        status, paid_date, denial, claim_denial = "Finalized", "", "", None
        if roll < 0.12:
            status = "In Progress"
        elif roll < 0.24:
            status = "Check Pending"
        if status != "In Progress":
            paid_date = (sk["received"] + timedelta(days=rng.randrange(10, 30))).isoformat()
            if ended:
                claim_denial = ("27", "N30", "CO-27 Expenses incurred after coverage terminated")
            elif roll > 0.88:
                claim_denial = CLAIM_DENIALS[int(roll * 1000) % len(CLAIM_DENIALS)]
        line_denial_at = rng.randrange(1, len(chosen)) if len(chosen) > 1 and claim_denial is None \
            and status != "In Progress" and rng.random() < 0.25 else None
        billed_total = paid_total = 0
        for number, (code, _text, fee, visit_type, _c, _a) in enumerate(chosen, start=1):
            units = 2 if code in ("36415", "90471") and rng.random() < 0.2 else 1
            billed = fee * 100 * units
            row = {"claim_number": sk["number"], "line_number": number, "service_from": sk["served"].isoformat(),
                   "service_to": sk["served"].isoformat(), "procedure_code": code,
                   "modifiers": "25" if visit_type and len(chosen) > 1 and code.startswith("992") else "",
                   "units": units, "billed_amount": dollars(billed), "allowed_amount": "0.00",
                   "deductible": "0.00", "coinsurance": "0.00", "copay": "0.00", "paid_amount": "0.00",
                   "adjustments": ""}
            if status != "In Progress":
                adjustments = []
                if claim_denial or line_denial_at == number - 1:
                    carc, rarc = claim_denial[:2] if claim_denial else rng.choice(LINE_DENIALS)
                    adjustments.append(f"CO-{carc}{'/' + rarc if rarc else ''}:{dollars(billed)}")
                    paid = 0
                else:
                    allowed = int(billed * rng.choice((0.62, 0.7, 0.75, 0.8)))
                    left_oop = max(oop - met[sk["member_id"]][1], 0) if oop else 0
                    copay = min(copays[("primary", "specialist").index(visit_type)] if visit_type else 0,
                                allowed, left_oop)
                    ded = min(max(deductible - met[sk["member_id"]][0], 0), allowed - copay,
                              left_oop - copay) if not visit_type else 0
                    coins = min((allowed - copay - ded) * coinsurance // 100, left_oop - copay - ded) \
                        if not visit_type else 0
                    met[sk["member_id"]][0] += ded
                    met[sk["member_id"]][1] += copay + ded + coins
                    paid = allowed - copay - ded - coins
                    adjustments.append(f"CO-45:{dollars(billed - allowed)}")
                    for carc, amount in (("1", ded), ("2", coins), ("3", copay)):
                        if amount:
                            adjustments.append(f"PR-{carc}:{dollars(amount)}")
                    row.update(allowed_amount=dollars(allowed), deductible=dollars(ded),
                               coinsurance=dollars(coins), copay=dollars(copay))
                row.update(paid_amount=dollars(paid), adjustments=";".join(adjustments))
                paid_total += paid
            billed_total += billed
            lines.append(row)
        if claim_denial:
            denial = claim_denial[2]
        service_provider = PROVIDERS[sk["npi"]]
        payee = PROVIDERS[PAYEE_BY_TAX_ID[sk["tax_id"]]]
        claims.append({
            "claim_number": sk["number"], "member_id": sk["member_id"], "provider_npi": sk["npi"],
            "tax_id": sk["tax_id"], "service_from": sk["served"].isoformat(), "service_to": sk["served"].isoformat(),
            "received_date": sk["received"].isoformat(), "paid_date": paid_date,
            "billed_amount": dollars(billed_total), "paid_amount": dollars(paid_total), "status": status,
            "denial_reason": denial, "check_number": "", "interest_amount": "0.00", "replaced_by": "",
            "service_provider_name": service_provider[0], "service_provider_address": service_provider[1],
            "service_provider_phone": service_provider[2], "service_provider_fax": service_provider[3],
            "payment_provider_name": payee[0], "payment_provider_npi": PAYEE_BY_TAX_ID[sk["tax_id"]],
            "payment_provider_address": payee[1], "payment_provider_phone": payee[2],
            "payment_provider_fax": payee[3],
        })
    claims.sort(key=lambda c: c["claim_number"])
    # A few denied CO-16 claims were corrected and sent again: the first becomes an Original Claim.
    corrected = [c for c in claims if c["denial_reason"].startswith("CO-16")]
    for original in corrected[: len(corrected) // 2 + 1]:
        replacement = next(c for c in claims if c["claim_number"] > original["claim_number"]
                           and c["member_id"] == original["member_id"] or c is claims[-1])
        original.update(status="Original Claim", replaced_by=replacement["claim_number"])
    payments = make_payments(rng, claims)
    OUT.mkdir(parents=True, exist_ok=True)
    coverage_rows = []
    for cover in coverage:
        lob, copays, coinsurance, deductible, oop = benefits(cover["plan"])
        this_year = cover["start_date"] == "2026-01-01"
        ded_met, oop_met = met[cover["member_id"]] if this_year else (deductible, min(oop, deductible + 4000))
        coverage_rows.append({
            "member_id": cover["member_id"], "start_date": cover["start_date"], "end_date": cover["end_date"],
            "plan": cover["plan"], "line_of_business": lob, "health_network": cover["network"],
            "pcp_npi": cover["pcp_npi"], "copay_primary": dollars(copays[0]), "copay_specialist": dollars(copays[1]),
            "copay_urgent": dollars(copays[2]), "copay_emergency": dollars(copays[3]),
            "coinsurance_percent": coinsurance, "deductible": dollars(deductible),
            "deductible_met": dollars(min(ded_met, deductible)), "out_of_pocket_max": dollars(oop),
            "out_of_pocket_met": dollars(min(oop_met, oop)),
        })
    for name, rows in (("members.csv", members), ("coverage.csv", coverage_rows), ("claims.csv", claims),
                       ("claim_lines.csv", lines), ("diagnoses.csv", diagnoses), ("payments.csv", payments)):
        with open(OUT / name, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def make_payments(rng, claims):
    """One payment a week per Tax ID (Fridays), paying that week's finalized claims; denials ride
    along at $0, as they do on a real remittance."""
    batches = defaultdict(list)
    for claim in claims:
        if claim["status"] == "Finalized":
            paid_on = date.fromisoformat(claim["paid_date"])
            friday = paid_on + timedelta(days=(4 - paid_on.weekday()) % 7)
            if friday > TODAY:
                claim["status"] = "Check Pending"
                continue
            batches[(claim["tax_id"], friday)].append(claim)
    payments = []
    check = 918000
    for (tax_id, friday), batch in sorted(batches.items(), key=lambda item: (item[0][1], item[0][0])):
        check += rng.randrange(7, 60)
        method = "ACH" if tax_id == "000987654" else "CHK"
        trace = f"{check}" if method == "CHK" else f"88{check}"
        total = 0
        for claim in batch:
            claim.update(check_number=trace, paid_date=friday.isoformat())
            received = date.fromisoformat(claim["received_date"])
            paid = int(round(float(claim["paid_amount"]) * 100))
            # Prompt-pay interest on clean claims paid more than 30 days after receipt.
            interest = paid * 12 * ((friday - received).days - 30) // 36500 if paid and \
                (friday - received).days > 30 else 0
            claim["interest_amount"] = dollars(interest)
            total += paid + interest
        payee_npi = PAYEE_BY_TAX_ID[tax_id]
        payments.append({"trace_number": trace, "method": method, "payment_date": friday.isoformat(),
                         "amount": dollars(total), "payee_tax_id": tax_id, "payee_name": PROVIDERS[payee_npi][0],
                         "payee_npi": payee_npi, "payee_address": PROVIDERS[payee_npi][1],
                         **(DEMO_BANK if method == "ACH" else dict.fromkeys(DEMO_BANK, ""))})
    return payments


if __name__ == "__main__":
    main()
