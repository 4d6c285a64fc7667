"""Write the demo members and claims CSVs (data/demo/). Deterministic: the same files every run.

    python scripts/make_demo_claims.py
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "demo"
FIRST = ["Ana", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hector", "Irene", "James",
         "Karen", "Luis", "Monica", "Nathan", "Olivia", "Paul", "Rosa", "Samuel", "Teresa", "Victor"]
LAST = ["Alvarez", "Brooks", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ibrahim",
        "Jensen", "Kim", "Lee", "Martin", "Novak", "Owens", "Patel", "Quinn", "Reyes", "Silva", "Turner"]
CITIES = ["Hartford", "West Hartford", "New Britain", "Manchester", "New Haven", "Hamden", "Milford"]
PLANS = ["Medicare Advantage", "Medicaid", "Commercial"]
DENIALS = ["CO-50 Not deemed a medical necessity", "CO-16 Claim lacks information needed for adjudication",
           "CO-29 The time limit for filing has expired", "CO-97 Included in another service",
           "CO-197 Precertification/authorization absent"]
GROUPS = [  # (member prefix, tax id, NPIs, members, claims, children only)
    ("C1", "000123456", ("1234567893", "1987654328"), 40, 200, False),
    ("C2", "000987654", ("1555555550",), 25, 100, True),
]


def main() -> None:
    rng = random.Random(2026)
    members, claims = [], []
    claim_seq = 2610000001
    for prefix, tax_id, npis, member_count, claim_count, children in GROUPS:
        ids = []
        for n in range(1, member_count + 1):
            member_id = f"{prefix}{n:07d}"
            ids.append(member_id)
            born = (date(2010, 1, 1) if children else date(1940, 1, 1)) + timedelta(
                days=rng.randrange(0, 14 * 365 if children else 60 * 365))
            members.append({
                "member_id": member_id, "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
                "date_of_birth": born.isoformat(), "gender": rng.choice("FM"),
                "city": rng.choice(CITIES), "plan": "Medicaid" if children else rng.choice(PLANS),
                "eligible_from": "2025-01-01", "eligible_to": "" if n % 9 else "2026-06-30",
                "pcp_npi": npis[n % len(npis)] if n % 4 else "",
            })
        for _ in range(claim_count):
            served = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 300))
            received = served + timedelta(days=rng.randrange(3, 20))
            billed = rng.randrange(8000, 250000)
            roll = rng.random()
            denial, paid_date, check, paid = "", "", "", 0
            if roll < 0.15:
                status = "In Progress"
            else:
                paid_date = (received + timedelta(days=rng.randrange(10, 30))).isoformat()
                status = "Check Pending" if roll < 0.3 else "Finalized"
                if roll > 0.85:
                    denial = rng.choice(DENIALS)
                else:
                    paid = int(billed * rng.uniform(0.4, 0.9))
                    check = f"{rng.randrange(100000, 999999)}" if status == "Finalized" else ""
            claims.append({
                "claim_number": str(claim_seq), "member_id": rng.choice(ids),
                "provider_npi": rng.choice(npis), "tax_id": tax_id,
                "service_from": served.isoformat(), "service_to": served.isoformat(),
                "received_date": received.isoformat(), "paid_date": paid_date,
                "billed_amount": f"{billed / 100:.2f}", "paid_amount": f"{paid / 100:.2f}",
                "status": status, "denial_reason": denial, "check_number": check,
            })
            claim_seq += 1
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in (("members.csv", members), ("claims.csv", claims)):
        with open(OUT / name, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
