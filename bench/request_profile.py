"""Per-request work of the load bench's pages, measured in-process (no server, no network):
SQL statements, Python function calls and CPU time per request, and optionally a cProfile of one
page. Query and call counts do not depend on the machine's load, so they show what a change saves
even on a busy machine. Not part of `make test`.

    .venv/bin/python bench/request_profile.py                 # counts and CPU per page
    .venv/bin/python bench/request_profile.py --profile Home  # + the page's top functions
    .venv/bin/python bench/request_profile.py --sql "a thread"  # + the page's statements

Builds (once; --fresh to rebuild) a demo database in bench/.work/profile/ as the load bench does
(migrations, `seed-demo`, `search reindex`) and runs the app with the settings `make serve` uses
(JSON request log on, CSRF on, no TESTING), signed in as staff@sunrise.example.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "profile"
PASSWORD = "Demo!Pass2026"


def environment() -> dict:
    return {**os.environ, "PROVIDERDESK_ENV": "development", "SECRET_KEY": "profile-secret",
            "DATABASE_URL": f"sqlite:///{WORK / 'profile.sqlite3'}", "INSTANCE_DIR": str(WORK),
            "INDEX_DIR": str(WORK / "index"), "UPLOAD_DIR": str(WORK / "uploads"),
            "MAIL_FILE_DIR": str(WORK / "mail"), "MAIL_SERVER": "", "LOG_FORMAT": "json",
            "SEARCH_STARTUP_REPAIR": "false", "CASE_CREATE_LIMIT": "100000",
            "RATE_LIMIT_PER_ADDRESS": "100000"}


def prepare(fresh: bool) -> None:
    if fresh and WORK.exists():
        shutil.rmtree(WORK)
    if (WORK / "profile.sqlite3").exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    for args in (["db", "upgrade"], ["seed-demo"], ["search", "reindex", "--procs", "1"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                       env=environment(), check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    parser.add_argument("--runs", type=int, default=40, help="timed requests per page")
    parser.add_argument("--profile", action="append", default=[], help="page name to cProfile")
    parser.add_argument("--sql", action="append", default=[], help="page name whose SQL to print")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a config override (JSON value), e.g. --set COMPRESS_BR_LEVEL=4")
    args = parser.parse_args()

    prepare(args.fresh)
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from webapp import create_app
    from webapp.extensions import db

    overrides = {"BACKGROUND_WORKERS": False}
    for item in args.set:
        name, _, value = item.partition("=")
        overrides[name] = json.loads(value)
    app = create_app(overrides)
    logging.getLogger().handlers[0].setStream(open(os.devnull, "w"))  # JSON lines formatted, not shown
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, sql, params, *rest: statements.append(f"{sql} -- {params}"))

    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"login": "staff@sunrise.example", "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 303, response.status_code
    home = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', home).group(1)
    cases = client.get("/cases").get_data(as_text=True)
    number = [n for n in re.findall(r'href="/cases/([A-Z0-9-]+)"', cases) if n not in ("new", "queues")][0]
    headers = {"X-CSRFToken": token}
    found = re.search(r'href="/messages/(\d+)"', client.get("/messages").get_data(as_text=True))
    if found is None:  # as the load bench does: one message of the user's own
        response = client.post("/messages/new", headers=headers, data={
            "category": "general-question", "subcategory": "general-question",
            "subject": "Portal hours", "body": "When is the portal down for maintenance?"})
        assert response.status_code == 303, response.status_code
        found = re.search(r'href="/messages/(\d+)"', client.get("/messages").get_data(as_text=True))
    thread = found.group(1)
    pages = [
        ("Home", "GET", "/", None),
        ("Search and Comment", "GET", "/cases", None),
        ("a case page", "GET", f"/cases/{number}", None),
        ("My Messages", "GET", "/messages", None),
        ("a thread", "GET", f"/messages/{thread}", None),
        ("Claims search (POST)", "POST", "/claims",
         {"date_type": "service", "date_from": "2026-01-01", "date_to": "2026-12-31", "status": ""}),
        ("search results (POST)", "POST", "/search", {"q": "claim"}),
        ("header suggestion (POST)", "POST", "/search/suggest", {"q": "clai"}),
    ]

    def call(method, path, form):
        response = client.open(path, method=method, data=form, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        return response

    print(f"{'page':28} {'queries':>7} {'calls':>8} {'CPU median':>11} {'bytes':>7}")
    for name, method, path, form in pages:
        call(method, path, form)  # warm: templates compiled, searchers open
        call(method, path, form)
        statements.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        response = call(method, path, form)
        profiler.disable()
        queries = list(statements)
        calls = pstats.Stats(profiler).total_calls
        times = []
        for _ in range(args.runs):
            started = time.process_time()
            call(method, path, form)
            times.append(time.process_time() - started)
        print(f"{name:28} {len(queries):7} {calls:8} {statistics.median(times) * 1000:9.2f} ms "
              f"{len(response.get_data()):7}")
        if name in args.sql:
            for sql in queries:
                print("    " + " ".join(sql.split())[-300:])
        if name in args.profile:  # all timed runs together: one request's profile is mostly noise
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                call(method, path, form)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
