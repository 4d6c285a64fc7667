"""Search benchmark: Whoosh (webapp.search) vs SQLite FTS5 on the same synthetic corpus.

    .venv/bin/python bench/search_bench.py --cases 10000 100000 [--procs 2] [--queries-only]

For each size it writes a corpus of cases with comments for 200 provider organizations into an
SQLite database (bench/.work/), then measures:
  - reindex: read every case from SQLite and build the Whoosh index (new folder + atomic swap),
    as `flask search reindex` does; docs/s;
  - FTS5 build time for the same text;
  - a fixed mixed query set (words, phrases, exclusions, identifiers, field filters), each query
    carrying a provider organization's scope (or an agent's queues): p50/p95/max for Whoosh
    (top 20 + count, scope as index filter; and the full results-page path with facets) and
    for FTS5 (MATCH + JOIN on the scope, ORDER BY bm25 LIMIT 20 + count);
  - live update: one case changed -> visible to a search (apply + searcher refresh).
Not part of `make test`.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.search.engine import Scope, SearchIndex  # noqa: E402
from webapp.search.query import parse  # noqa: E402

WORK = ROOT / "bench" / ".work"
ORGS = 200
SEED = 20261123

# --- vocabulary -------------------------------------------------------------------------------
DOMAIN = """claim claims denied denial denials appeal appeals grievance reconsideration authorization
preauthorization referral eligibility coverage benefit benefits copay coinsurance deductible
remittance payment paid underpaid overpayment refund recoupment adjustment corrected resubmitted
resubmission timely filing limit modifier diagnosis procedure code codes cpt icd hcpcs revenue
units billed allowed amount balance explanation review reviewed pending processed rejected
duplicate bundled unbundled medical necessity records documentation attached attachment letter
fax portal member patient subscriber dependent newborn enrollment enrolled terminated effective
retroactive retro coordination primary secondary tertiary medicare medicaid commercial plan
network participating nonparticipating credentialing contract fee schedule rate provider
practitioner facility group hospital clinic inpatient outpatient emergency urgent ambulance
laboratory lab radiology imaging mri ct xray ultrasound pathology pharmacy prescription formulary
prior specialist pediatrics pediatric cardiology dermatology orthopedic orthopedics oncology
obstetrics gynecology neurology psychiatry behavioral therapy physical occupational speech
vaccine immunization wellness preventive screening visit office consultation surgery surgical
anesthesia assistant telehealth telemedicine home health hospice durable equipment supplies
wheelchair oxygen dialysis chemotherapy infusion injection transport interpreter address phone
npi taxonomy tin tax id remit era eft check void reissue stale dated mailed received missing
status update question urgent followup follow up call back escalate escalated supervisor
resolved closed reopened awaiting information requested provide please thank you regarding
dos date service dates through from between january february march april may june july august
september october november december monday tuesday wednesday thursday friday weekend""".split()
COMMON = """the a an and or of to in for on with at by from as is was were be been being have has
had do does did not no yes this that these those it its we our us you your they their them he she
his her i me my can could would should will shall may might must also still yet again already
only just more most less least very much many some any each every other another same such than
then now today yesterday tomorrow week month year last next first second third new old after
before during while until since because however therefore although though please kindly
received sent see attached below above per re fw note notes called spoke left message voicemail
confirm confirmed verify verified check checked told said asked need needs needed want wants
looking look help issue issues problem problems error errors correct incorrect wrong right
again still never always sometimes usually""".split()
SYLLABLES = "ka ri mo na le to sa vi del par ton ber mar lin cor ven sol tre qua zen fer gal hol mi rus ena ost".split()


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Vocabulary:
    """Zipf-distributed words: common words, domain words, and a long tail (names, drugs,
    places) of pseudo-words, so terms have realistic frequencies and posting-list lengths."""

    def __init__(self, rng: random.Random):
        tail = _pseudo_words(rng, 20_000)
        self.words = COMMON + DOMAIN + tail
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.words))]
        total = sum(weights)
        self.cumulative = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)
        self.rng = rng
        self.tail = tail

    def sentence(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=count)
        return " ".join(words).capitalize() + "."


SUBJECTS = ["Claim {c} denied for {r}", "Question about payment for claim {c}",
            "Member eligibility for {m}", "Appeal of {r} denial", "Corrected claim resubmission",
            "Prior authorization status {w}", "Remittance missing for {w} services",
            "Referral to {w} specialist", "Underpaid claim {w} {w}", "Duplicate denial on {c}",
            "Timely filing {w} review", "Coordination of benefits {w}", "Records requested {w}"]
REASONS = ["timely filing", "medical necessity", "missing authorization", "duplicate claim",
           "coordination of benefits", "invalid modifier", "non covered service", "eligibility"]
STATUSES = ["Open", "In Progress", "Pending Provider", "Resolved", "Closed"]
TYPES = ["Claim", "Eligibility", "Authorization", "Payment", "Credentialing", "General"]
QUEUES = ["provider-customer-service", "claims-inquiry", "grievance-and-appeals", "en-enrollments",
          "eligibility"]


def generate_corpus(db_path: Path, cases: int) -> dict:
    rng = random.Random(SEED)
    vocab = Vocabulary(rng)
    if db_path.exists():
        db_path.unlink()
    con = sqlite3.connect(db_path)
    con.executescript("""
        PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
        CREATE TABLE org(id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE case_(id INTEGER PRIMARY KEY, number TEXT, title TEXT, description TEXT,
            patient TEXT, member_id TEXT, claim_number TEXT, account TEXT, provider_id INTEGER,
            org_id INTEGER, queue TEXT, status TEXT, type TEXT, created TEXT, updated TEXT);
        CREATE TABLE comment(id INTEGER PRIMARY KEY, case_id INTEGER, body TEXT, internal INTEGER);
        CREATE INDEX ix_comment_case ON comment(case_id);
        CREATE INDEX ix_case_provider ON case_(provider_id);
    """)
    # 200 organizations with 1-3 provider ids each; sizes skewed (a few large groups).
    org_providers, provider_id = {}, 0
    for org in range(1, ORGS + 1):
        ids = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            provider_id += 1
            ids.append(provider_id)
        org_providers[org] = ids
    org_weights = [1.0 / (i ** 0.8) for i in range(1, ORGS + 1)]
    start = datetime(2024, 1, 1)
    case_rows, comment_rows = [], []
    comment_id = 0
    for case_id in range(1, cases + 1):
        org = rng.choices(range(1, ORGS + 1), weights=org_weights)[0]
        created = start + timedelta(minutes=case_id * 7 + rng.randint(0, 6))
        claim = f"{rng.randint(10**11, 10**12 - 1)}"
        member = f"M{rng.randint(10**7, 10**8 - 1)}"
        account = f"PA{rng.randint(10**5, 10**6 - 1)}"
        subject = rng.choice(SUBJECTS).format(c=claim, r=rng.choice(REASONS), m=member,
                                              w=rng.choice(vocab.words[:3000]))
        patient = f"{rng.choice(vocab.tail).capitalize()} {rng.choice(vocab.tail).capitalize()}"
        description = " ".join(vocab.sentence(6, 25) for _ in range(rng.randint(1, 4)))
        case_rows.append((case_id, created.strftime("%m%d%Y") + f"{case_id % 10000:04d}", subject,
                          description, patient, member, claim, account,
                          rng.choice(org_providers[org]), org, rng.choice(QUEUES),
                          rng.choice(STATUSES), rng.choice(TYPES), created.isoformat(),
                          (created + timedelta(days=rng.randint(0, 30))).isoformat()))
        for _ in range(rng.randint(0, 5)):
            comment_id += 1
            comment_rows.append((comment_id, case_id, vocab.sentence(8, 45),
                                 1 if rng.random() < 0.15 else 0))
    con.executemany("INSERT INTO case_ VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", case_rows)
    con.executemany("INSERT INTO comment VALUES (?,?,?,?)", comment_rows)
    con.commit()
    con.close()
    return {"org_providers": org_providers, "vocab": vocab, "cases": case_rows,
            "comments": len(comment_rows)}


def load_documents(db_path: Path):
    """What a cases source's loader yields, read from SQLite like `search reindex` does."""
    con = sqlite3.connect(db_path)
    comments: dict[int, tuple[list, list]] = {}
    for case_id, body, internal in con.execute("SELECT case_id, body, internal FROM comment"):
        entry = comments.setdefault(case_id, ([], []))
        entry[1 if internal else 0].append(body)
    for row in con.execute("SELECT * FROM case_"):
        (case_id, number, title, description, patient, member, claim, account, provider_id, _org,
         queue, status, type_, created, updated) = row
        public, internal = comments.get(case_id, ([], []))
        yield "case", {
            "id": case_id, "number": number, "title": title,
            "body": [description, patient, *public], "internal": internal,
            "claim_numbers": [claim], "member_ids": [member], "account_numbers": [account],
            "provider_ids": [provider_id], "queue": queue, "status": status, "type": type_,
            "is_open": status not in ("Resolved", "Closed"),
            "created": datetime.fromisoformat(created), "updated": datetime.fromisoformat(updated),
        }
    con.close()


def build_fts(db_path: Path) -> float:
    con = sqlite3.connect(db_path)
    t0 = time.perf_counter()
    con.executescript("""
        DROP TABLE IF EXISTS fts;
        CREATE VIRTUAL TABLE fts USING fts5(title, body, ids, tokenize='porter unicode61');
    """)
    comments: dict[int, list] = {}
    for case_id, body in con.execute("SELECT case_id, body FROM comment WHERE internal=0"):
        comments.setdefault(case_id, []).append(body)
    rows = ((cid, title, "\n".join([desc, patient, *comments.get(cid, [])]),
             " ".join((number, claim, member, account)).lower())
            for cid, number, title, desc, patient, member, claim, account in con.execute(
                "SELECT id, number, title, description, patient, member_id, claim_number, account"
                " FROM case_"))
    con.executemany("INSERT INTO fts(rowid, title, body, ids) VALUES (?,?,?,?)", rows)
    con.commit()
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    con.commit()
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def make_queries(corpus: dict, count: int = 200):
    """A fixed mixed query set, each with a scope: (query text, org id or None, queue list)."""
    rng = random.Random(SEED + 1)
    vocab, cases, orgs = corpus["vocab"], corpus["cases"], corpus["org_providers"]
    mid_words = DOMAIN + vocab.tail[:400]
    queries = []
    for i in range(count):
        case = rng.choice(cases)
        org = case[9]
        kind = i % 10
        if kind in (0, 1):
            text = rng.choice(DOMAIN)
        elif kind == 2:
            text = f"{rng.choice(DOMAIN)} {rng.choice(mid_words)}"
        elif kind == 3:
            text = f'"{rng.choice(REASONS)}"'
        elif kind == 4:
            text = f"{rng.choice(DOMAIN)} -{rng.choice(DOMAIN)}"
        elif kind == 5:
            text = case[6]  # claim number
        elif kind == 6:
            text = case[1]  # case number
        elif kind == 7:
            text = f"status:open {rng.choice(DOMAIN)}"
        elif kind == 8:
            text = f"{rng.choice(DOMAIN)} {rng.choice(DOMAIN)} {rng.choice(DOMAIN)}"
        else:
            text = case[5]  # member id
        if i % 20 == 19:  # an agent with two queues
            queries.append((text, None, rng.sample(QUEUES, 2)))
        else:
            queries.append((text, org, None))
    return queries


def fts_query(parsed) -> str | None:
    def quote(words):
        return '"' + " ".join(w.replace('"', "") for w in words) + '"'
    parts = []
    identifier = parsed.identifier
    if identifier:
        return f'ids:{quote([identifier.lower()])} OR {quote([identifier])}'
    for clause in parsed.required:
        parts.append(quote(clause.words))
    if not parts:
        return None
    text = " AND ".join(parts)
    for clause in parsed.excluded:
        text += f" NOT {quote(clause.words)}"
    return text


def run_fts(con, queries, corpus):
    timings = []
    orgs = corpus["org_providers"]
    for text, org, queues in queries:
        parsed = parse(text)
        status = parsed.fields.get("status")
        match = fts_query(parsed)
        t0 = time.perf_counter()
        if match:
            if org is not None:
                ids = orgs[org]
                scope_sql = f"c.provider_id IN ({','.join('?' * len(ids))})"
                params = list(ids)
            else:
                scope_sql = f"c.queue IN ({','.join('?' * len(queues))})"
                params = list(queues)
            extra = ""
            if status:
                extra = " AND c.status = ?"
                params.append("Open")
            base = f"FROM fts JOIN case_ c ON c.id = fts.rowid WHERE fts MATCH ? AND {scope_sql}{extra}"
            con.execute(f"SELECT c.id, c.number, c.title, bm25(fts, 2.0, 1.0, 50.0) AS r {base}"
                        " ORDER BY r LIMIT 20", [match, *params]).fetchall()
            con.execute(f"SELECT count(*) {base}", [match, *params]).fetchone()
        timings.append(time.perf_counter() - t0)
    return timings


def run_whoosh(index: SearchIndex, queries, corpus, *, facets: bool):
    timings = []
    orgs = corpus["org_providers"]
    for text, org, queues in queries:
        scope = Scope.providers(orgs[org]) if org is not None else Scope.agent(queues)
        t0 = time.perf_counter()
        index.search(text, scope, per_page=20, facets=facets)
        timings.append(time.perf_counter() - t0)
    return timings


def summary(timings) -> dict:
    ordered = sorted(timings)
    return {"p50": statistics.median(ordered) * 1000,
            "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000, "max": ordered[-1] * 1000}


def fmt(stats) -> str:
    return f"p50 {stats['p50']:6.1f} ms  p95 {stats['p95']:6.1f} ms  max {stats['max']:7.1f} ms"


def reuse_corpus(db_path: Path) -> dict:
    """The corpus of an earlier run (same seed: same vocabulary and query set)."""
    vocab = Vocabulary(random.Random(SEED))
    con = sqlite3.connect(db_path)
    cases = con.execute("SELECT * FROM case_").fetchall()
    con.close()
    org_providers: dict[int, set] = {}
    for row in cases:
        org_providers.setdefault(row[9], set()).add(row[8])
    return {"vocab": vocab, "cases": cases,
            "org_providers": {org: sorted(ids) for org, ids in org_providers.items()}}


def bench(size: int, procs: int, queries_only: bool = False) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    db_path = WORK / f"corpus-{size}.sqlite3"
    index_root = WORK / f"index-{size}"
    print(f"\n== {size:,} cases, {ORGS} organizations (load {os.getloadavg()[0]:.2f}) ==")
    index = SearchIndex(index_root)
    if queries_only:
        corpus = reuse_corpus(db_path)
        print("queries only: corpus and indexes of the previous run")
    else:
        t0 = time.perf_counter()
        corpus = generate_corpus(db_path, size)
        print(f"corpus: {size:,} cases, {corpus['comments']:,} comments, "
              f"generated in {time.perf_counter() - t0:.1f} s")
        shutil.rmtree(index_root, ignore_errors=True)
        t0 = time.perf_counter()
        count = index.rebuild(load_documents(db_path), procs=procs)
        reindex = time.perf_counter() - t0
        print(f"whoosh reindex (procs={procs}): {reindex:.1f} s, {count / reindex:,.0f} docs/s"
              f" (load {os.getloadavg()[0]:.2f})")
        fts_build = build_fts(db_path)
        print(f"fts5 build: {fts_build:.1f} s, {size / fts_build:,.0f} docs/s")

    queries = make_queries(corpus)
    con = sqlite3.connect(db_path)
    # Warm-up: first searcher open, filter sets, OS cache (a running server is warm).
    run_whoosh(index, queries[:40], corpus, facets=False)
    run_fts(con, queries[:40], corpus)
    w = summary(run_whoosh(index, queries, corpus, facets=False))
    wf = summary(run_whoosh(index, queries, corpus, facets=True))
    f = summary(run_fts(con, queries, corpus))
    print(f"queries: {len(queries)}, load {os.getloadavg()[0]:.2f}")
    print(f"whoosh top20+count  {fmt(w)}")
    print(f"whoosh +facets      {fmt(wf)}")
    print(f"fts5 top20+count    {fmt(f)}")
    print(f"ratio whoosh/fts5: p50 {w['p50'] / f['p50']:.2f}  p95 {w['p95'] / f['p95']:.2f}"
          f"  (with facets p95 {wf['p95'] / f['p95']:.2f})")

    # Live update: change one case, apply it as the app's writer does, search sees it.
    docs = dict((d["id"], d) for _, d in load_documents_one(db_path, 1))
    doc = docs[1]
    doc["title"] = "zyxwvut live update marker"
    org_scope = Scope.providers(doc["provider_ids"])
    t0 = time.perf_counter()
    index.apply([("case", doc)], [])
    while not index.search("zyxwvut", org_scope, facets=False).total:
        time.sleep(0.005)
    print(f"live update visible after {1000 * (time.perf_counter() - t0):.0f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    con.close()


def load_documents_one(db_path: Path, case_id: int):
    for kind, doc in load_documents(db_path):
        if doc["id"] == case_id:
            yield kind, doc
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--queries-only", action="store_true",
                        help="reuse the corpus and indexes of the previous run; time queries only")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}  load average: {os.getloadavg()}")
    for size in args.cases:
        bench(size, args.procs, args.queries_only)


if __name__ == "__main__":
    main()
