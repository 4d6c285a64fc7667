"""Claims benchmark at the demo size: eligibility checks (target: answer in <= 300 ms), claim detail,
Remittance Advice, 835 download and reconciliation, each through the app as a signed-in office user.

    .venv/bin/python bench/claims_bench.py [--runs 50]

Builds a fresh SQLite database in bench/.work/claims/ (migrations + seed-demo), then times each
request with Flask's test client: p50 / p95 / max in ms. Not part of `make test`.
"""
from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.blueprints.demo.services import seed_demo  # noqa: E402
from webapp.extensions import db  # noqa: E402

WORK = ROOT / "bench" / ".work" / "claims"


def _test_config():
    # tests/conftest.py by path: a top-level `tests` package of a dependency may shadow ours.
    spec = importlib.util.spec_from_file_location("providerdesk_test_conftest", ROOT / "tests" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_config(WORK, WORK / "bench.sqlite3", SEARCH_LIVE_UPDATES=False, SEARCH_STARTUP_REPAIR=False)


def timed(runs: int, call) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{name:<34} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    app = create_app(_test_config())
    with app.app_context():
        upgrade()
        seed_demo("Demo!Pass2026")
        db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"login": "staff@sunrise.example", "password": "Demo!Pass2026"})
    page = client.post("/claims", data={"claim_number": "2610000127"}).get_data(as_text=True)
    claim_id = re.search(r'href="/claims/(\d+)"', page).group(1)
    payment_id = re.search(r'href="/payments/(\d+)"', page).group(1)
    report("eligibility check (POST)", timed(args.runs, lambda: client.post(
        "/eligibility", data={"search_by": "member_id", "member_id": "C10000030", "service_date": "2026-11-02"})))
    report("eligibility by name + DOB (POST)", timed(args.runs, lambda: client.post(
        "/eligibility", data={"search_by": "name", "name": "Ana Kim", "date_of_birth": "1950-01-01",
                              "service_date": "2026-11-02"})))
    report("claim detail, EOB tab", timed(args.runs, lambda: client.get(f"/claims/{claim_id}?tab=eob")))
    report("claim detail, panel only (htmx)", timed(args.runs, lambda: client.get(
        f"/claims/{claim_id}?tab=services", headers={"HX-Request": "true"})))
    report("Remittance Advice", timed(args.runs, lambda: client.get(f"/payments/{payment_id}")))
    report("Download 835", timed(args.runs, lambda: client.get(f"/payments/{payment_id}/835")))
    report("reconciliation, a year", timed(max(5, args.runs // 5), lambda: client.get(
        "/payments/reconciliation?date_from=2026-01-01&date_to=2026-12-31")))


if __name__ == "__main__":
    main()
