"""Dashboard benchmark at 100k claims (target: median <= 50 ms), with the query plans and page weight.

    .venv/bin/python bench/dashboard_bench.py [--claims 100000] [--runs 50]

Builds a fresh SQLite database in bench/.work/dashboard/ (migrations + seed-demo), adds --claims claims
spread over 10 Tax IDs (one of them Sunrise's 000123456, so a tenth are on the measured dashboard) over
two years, with payments, then times GET /dashboard (a 6-month range) as staff@sunrise. Prints p50/p95,
each figure's query plan (SQLite EXPLAIN QUERY PLAN) and the page's bytes, raw and compressed.
Not part of `make test`.
"""
from __future__ import annotations

import argparse
import gzip
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from bench.claims_bench import report, timed  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.blueprints.demo.services import seed_demo  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Claim, ClaimStatus, Member, Payment  # noqa: E402

WORK = ROOT / "bench" / ".work" / "dashboard"
TAX_IDS = ["000123456"] + [f"0001{n:05d}" for n in range(1, 10)]
DENIALS = ["CO-50 Not deemed a medical necessity", "CO-16 Claim lacks information", "CO-97 Bundled",
           "CO-29 Timely filing limit expired", "PR-27 Coverage terminated"]


def _config():
    import importlib.util
    spec = importlib.util.spec_from_file_location("providerdesk_test_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_config(WORK, WORK / "bench.sqlite3", SEARCH_LIVE_UPDATES=False, SEARCH_STARTUP_REPAIR=False)


def add_claims(count: int, today: date) -> None:
    rng = random.Random(15)
    members = list(db.session.scalars(select(Member.id)))
    rows, payments = [], []
    for n in range(count):
        tax_id = TAX_IDS[n % len(TAX_IDS)]
        service = today - timedelta(days=rng.randint(0, 730))
        received = service + timedelta(days=rng.randint(1, 10))
        billed = rng.randint(40, 600) * 100
        paid_date = received + timedelta(days=rng.randint(10, 45))
        status, paid, denial, check = ClaimStatus.FINALIZED, billed * 7 // 10, None, None
        roll = rng.random()
        if paid_date > today or roll < 0.08:
            status, paid, paid_date = ClaimStatus.IN_PROGRESS, 0, None
        elif roll < 0.18:
            paid, denial = 0, rng.choice(DENIALS)
        else:
            check = f"B{n // 20:07d}"
        rows.append(dict(claim_number=f"B{n:09d}", member_id=rng.choice(members), provider_npi="1234567893",
                         tax_id=tax_id, service_from=service, service_to=service, received_date=received,
                         paid_date=paid_date, billed_cents=billed, paid_cents=paid, status=status,
                         denial_reason=denial, check_number=check, interest_cents=0))
        if check and n % 20 == 0:
            payments.append(dict(trace_number=check, method="CHK", payment_date=paid_date, amount_cents=paid * 20,
                                 payee_tax_id=tax_id, payee_name="Bench Office", payee_npi="1234567893"))
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Claim), rows[start:start + 5000])
    db.session.execute(insert(Payment), payments)
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    app = create_app(_config())
    today = date.today()
    with app.app_context():
        upgrade()
        seed_demo("Demo!Pass2026")
        db.session.commit()
        started = time.perf_counter()
        add_claims(args.claims, today)
        total = db.session.scalar(select(db.func.count()).select_from(Claim))
        print(f"{total} claims in the database ({time.perf_counter() - started:.0f} s to add)")
    client = app.test_client()
    client.post("/sign-in", data={"login": "staff@sunrise.example", "password": "Demo!Pass2026"})
    url = f"/dashboard?tax_id=000123456&date_from={today - timedelta(days=182)}&date_to={today}"
    plans = []
    with app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def explain(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT") and ("claim" in statement or "payment" in statement):
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                plans.append((statement.split("FROM", 1)[-1][:70].replace("\n", " "), [r[-1] for r in rows]))
        response = client.get(url)
        event.remove(db.engine, "before_cursor_execute", explain)
    assert response.status_code == 200
    for statement, plan in plans:
        print(f"  FROM{statement}...\n      " + "\n      ".join(plan))
    body = response.get_data()
    print(f"page weight: {len(body)} bytes, gzip {len(gzip.compress(body))} bytes")
    report("dashboard (6 months, 10k claims of the Tax ID)", timed(args.runs, lambda: client.get(url)))
    report("for comparison: Reports page (no query)", timed(args.runs, lambda: client.get("/reports")))


if __name__ == "__main__":
    main()
