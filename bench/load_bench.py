"""Load and fault bench: gunicorn as `make serve` runs it (2 workers, 8 threads) on SQLite and on
PostgreSQL, driven by 1 and 32 concurrent HTTP/1.1 keep-alive clients. Not part of `make test`.

    .venv/bin/python bench/load_bench.py                      # both databases, 20 s per run, faults
    .venv/bin/python bench/load_bench.py --db sqlite --seconds 5 --smtp-down 60

For each page: median service time at 1 client; throughput and p50/p95/p99 at 32 clients;
errors; RSS per worker. Then: every acknowledged write is in the database and `search check`
finds nothing missing. Faults: kill -9 of one worker and then of the whole server during a write
load (after a restart: database integrity check, every acknowledged write present, the index
catches up by itself); the SMTP server down during registrations (every mail sent exactly once
when it is back); the index folder deleted while serving (search says it is being rebuilt, pages
keep working, it comes back by itself). The load average is printed beside the figures: the
machine may be shared.
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mailbox import free_port, running_smtp_server  # noqa: E402

PASSWORD = "Demo!Pass2026"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# --- a server ---------------------------------------------------------------------------------

class Server:
    def __init__(self, name: str, database_url: str, work: Path, smtp_port: int):
        self.name, self.work = name, work
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PROVIDERDESK_ENV": "development", "SECRET_KEY": "bench-secret",
                    "DATABASE_URL": database_url, "INSTANCE_DIR": str(work),
                    "INDEX_DIR": str(work / "index"), "UPLOAD_DIR": str(work / "uploads"),
                    "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
                    "PUBLIC_BASE_URL": self.url, "PORT": str(self.port), "BIND_HOST": "127.0.0.1",
                    "WEB_CONCURRENCY": "2", "LOG_FORMAT": "json",
                    "CASE_CREATE_LIMIT": "100000", "RATE_LIMIT_PER_ADDRESS": "100000",
                    "PYTHONUNBUFFERED": "1"}
        self.process: subprocess.Popen | None = None

    def flask(self, *args, check=True) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, check=check)

    def prepare(self) -> None:
        self.flask("db", "upgrade")
        self.flask("seed-demo")
        self.flask("search", "reindex", "--procs", "1")

    def start(self) -> None:
        log = (self.work / "server.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "bench.bench_wsgi:app"],
            cwd=ROOT, env={**self.env, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.health()[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not start; see {self.work / 'server.log'}")

    def health(self) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, (json.loads(body) if body.startswith(b"{") else {})

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return sizes

    def kill_all(self) -> None:
        """kill -9 of the master and every worker: the machine losing power, as far as the app sees."""
        pids = self.worker_pids()
        os.kill(self.process.pid, signal.SIGKILL)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()


# --- a browser session (set-up steps: sign in, find ids) --------------------------------------

class Session:
    def __init__(self, server: Server):
        self.server, self.cookies = server, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        body, headers = None, {}
        if form is not None:
            token = self.token()
            body = urllib.parse.urlencode({**form, "csrf_token": token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        connection.close()
        if form is not None:
            self._token = None
        return response.status, dict(response.getheaders()), text

    _token = None

    def token(self) -> str:
        if self._token is None:
            status, _, page = self.request("GET", self._token_page)
            found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
            if found is None:
                raise RuntimeError(f"no CSRF token on {self._token_page} ({status}): {page[:300]}")
            self._token = found.group(1)
        return self._token

    _token_page = "/sign-in"

    def sign_in(self, login: str) -> "Session":
        status, _, _ = self.request("POST", "/sign-in", {"login": login, "password": PASSWORD})
        assert status == 303, status
        self._token_page = "/"
        return self


# --- the load generator -----------------------------------------------------------------------

@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    body: bytes = b""
    ok: tuple[int, ...] = (200,)
    write: str | None = None  # "comment" / "message": a unique token is put into each request
    form: dict = field(default_factory=dict)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    acknowledged: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def _read_response(reader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            body += await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        body = await reader.read()
    return status, body, headers.get("connection", "").lower() == "close"


def _request_bytes(endpoint: Endpoint, cookie: str, token: str) -> tuple[bytes, str | None]:
    unique = None
    body = endpoint.body
    if endpoint.write:
        unique = f"bench-{uuid.uuid4().hex[:12]}"
        form = {k: v.replace("{unique}", unique) for k, v in endpoint.form.items()}
        body = urllib.parse.urlencode(form).encode()
    head = (f"{endpoint.method} {endpoint.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            f"X-CSRFToken: {token}\r\n")
    if endpoint.method == "POST":
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body, unique


async def _client(port, endpoints, cookie, token, stop_at, result: Result, offset: int):
    reader = writer = None
    turn = offset
    while time.monotonic() < stop_at:
        endpoint = endpoints[turn % len(endpoints)]
        turn += 1
        payload, unique = _request_bytes(endpoint, cookie, token)
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            status, _, close = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            writer = None
            await asyncio.sleep(0.05)
            continue
        elapsed = time.perf_counter() - started
        if status in endpoint.ok:
            result.latencies.append(elapsed)
            if unique:
                result.acknowledged.append(unique)
        else:
            result.errors += 1
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


def drive(server: Server, session: Session, endpoints: list[Endpoint], clients: int,
          seconds: float, during=None) -> Result:
    """`clients` connections each sending the endpoints in turn for `seconds`; `during(elapsed)`
    is called about every 0.2 s (fault injection)."""
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    token = session.token()
    result = Result()

    async def main():
        stop_at = time.monotonic() + seconds
        tasks = [asyncio.create_task(_client(server.port, endpoints, cookie, token, stop_at, result, i))
                 for i in range(clients)]
        started = time.monotonic()
        while during and time.monotonic() < stop_at:
            await asyncio.sleep(0.2)
            await asyncio.to_thread(during, time.monotonic() - started)
        await asyncio.gather(*tasks)

    started = time.monotonic()
    asyncio.run(main())
    result.seconds = time.monotonic() - started
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- the run ----------------------------------------------------------------------------------

def endpoints_for(session: Session, word: str) -> tuple[list[Endpoint], list[str]]:
    _, _, cases_page = session.request("GET", "/cases")
    numbers = list(dict.fromkeys(re.findall(r'href="/cases/([A-Z0-9-]+)"', cases_page)))
    numbers = [n for n in numbers if n not in ("new", "queues")]
    _, _, messages_page = session.request("GET", "/messages")
    if not re.search(r'href="/messages/(\d+)"', messages_page):
        status, _, _ = session.request("POST", "/messages/new", {
            "category": "general-question", "subcategory": "general-question",
            "subject": "Portal hours", "body": "When is the portal down for maintenance?"})
        assert status == 303, status
        _, _, messages_page = session.request("GET", "/messages")
    thread = re.search(r'href="/messages/(\d+)"', messages_page).group(1)
    form = lambda **f: urllib.parse.urlencode(f).encode()  # noqa: E731
    endpoints = [
        Endpoint("hello (bare Flask, reference)", "GET", "/__hello/"),
        Endpoint("Home", "GET", "/"),
        Endpoint("Search and Comment", "GET", "/cases"),
        Endpoint("a case page", "GET", f"/cases/{numbers[0]}"),
        Endpoint("My Messages", "GET", "/messages"),
        Endpoint("a thread", "GET", f"/messages/{thread}"),
        Endpoint("Claims search (POST)", "POST", "/claims",
                 form(date_type="service", date_from="2026-01-01", date_to="2026-12-31", status="")),
        Endpoint("search results (POST)", "POST", "/search", form(q=word)),
        Endpoint("header suggestion (POST)", "POST", "/search/suggest", form(q=word[:4])),
    ]
    writes = [
        Endpoint("posting a comment", "POST", "", ok=(303,), write="comment",
                 form={"comment": "Load bench comment {unique}"}),
        Endpoint("sending a new message", "POST", "/messages/new", ok=(303,), write="message",
                 form={"category": "general-question", "subcategory": "general-question",
                       "subject": "Bench question {unique}", "body": "Load bench message {unique}"}),
    ]
    return endpoints + writes, numbers[1:6]


def comment_endpoints(template: Endpoint, numbers: list[str]) -> list[Endpoint]:
    return [Endpoint(template.name, "POST", f"/cases/{n}/comment", ok=template.ok, write="comment",
                     form=template.form) for n in numbers]


def stored_tokens(server: Server) -> set[str]:
    code = ("import re,sys\nfrom sqlalchemy import text\nfrom webapp import create_app\n"
            "from webapp.extensions import db\napp=create_app()\nwith app.app_context():\n"
            "  rows=db.session.execute(text(\"SELECT body FROM case_comment WHERE body LIKE 'Load bench%' "
            "UNION ALL SELECT body FROM message WHERE body LIKE 'Load bench%'\")).scalars()\n"
            "  print('\\n'.join(re.search(r'bench-\\w+', b).group(0) for b in rows))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=server.env, capture_output=True,
                         text=True, check=True)
    return set(out.stdout.split())


def search_check(server: Server) -> str:
    result = server.flask("search", "check", check=False)
    return "nothing missing" if result.returncode == 0 else result.stdout.strip().replace("\n", "; ")


def wait_caught_up(server: Server, timeout: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            status, report = server.health()
            if status == 200 and report["search"]["generation"] and report["search"]["lag_changes"] == 0:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    return float("nan")


def load_runs(server: Server, seconds: float, word: str, pages: str | None = None) -> list[str]:
    session = Session(server).sign_in("staff@sunrise.example")
    endpoints, comment_cases = endpoints_for(session, word)
    if pages:
        words = [w.strip().lower() for w in pages.split(",") if w.strip()]
        endpoints = [e for e in endpoints if any(w in e.name.lower() for w in words)]
    rows, acknowledged = [], []
    for endpoint in endpoints:
        targets = comment_endpoints(endpoint, comment_cases) if endpoint.write == "comment" else [endpoint]
        single = drive(server, session, targets, 1, seconds)
        rss = []
        many = drive(server, session, targets, 32, seconds,
                     during=lambda _elapsed: rss.append(max(server.rss_mb() or [0])))
        acknowledged += single.acknowledged + many.acknowledged
        single_rate = len(single.latencies) / single.seconds
        many_rate = len(many.latencies) / many.seconds
        rows.append(
            f"| {endpoint.name} | {statistics.median(single.latencies) * 1000:.1f} ms | {single_rate:.0f}/s "
            f"| {percentile(many.latencies, 50) * 1000:.0f} / {percentile(many.latencies, 95) * 1000:.0f} / "
            f"{percentile(many.latencies, 99) * 1000:.0f} ms | {many_rate:.0f}/s "
            f"| {many_rate / single_rate:.2f}× | {single.errors + many.errors} | {max(rss or [0]):.0f} MB "
            f"| {load_average()} |")
        print(rows[-1], flush=True)
    wait_caught_up(server)
    missing = set(acknowledged) - stored_tokens(server)
    rows.append(f"\nWrites acknowledged: {len(acknowledged)}, missing from the database: {len(missing)}; "
                f"`search check`: {search_check(server)}.")
    print(rows[-1], flush=True)
    return rows


def kill_fault(server: Server, seconds: float) -> list[str]:
    session = Session(server).sign_in("staff@sunrise.example")
    endpoints, comment_cases = endpoints_for(session, "x")
    targets = comment_endpoints(endpoints[-2], comment_cases)
    events = []

    def during(elapsed):
        if elapsed > seconds / 3 and not events:
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            events.append(f"kill -9 worker {victim} at {elapsed:.1f} s")
        elif elapsed > 2 * seconds / 3 and len(events) == 1:
            server.kill_all()
            events.append(f"kill -9 of the whole server at {elapsed:.1f} s")

    result = drive(server, session, targets, 8, seconds, during=during)
    started = time.monotonic()
    server.start()
    restarted = time.monotonic() - started
    caught_up = wait_caught_up(server)
    stored = stored_tokens(server)
    missing = set(result.acknowledged) - stored
    integrity = "PostgreSQL (server not touched)"
    if server.name == "SQLite":
        path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
        integrity = "PRAGMA integrity_check: " + sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
    line = (f"kill -9 during writes ({'; '.join(events)}): {len(result.acknowledged)} writes acknowledged, "
            f"{len(missing)} missing after restart; {result.errors} failed requests while it was down; "
            f"{integrity}; server answering /healthz {restarted:.1f} s after the restart began, index "
            f"caught up {caught_up:.1f} s after that; `search check`: {search_check(server)}. "
            f"Load {load_average()}.")
    print(line, flush=True)
    return [line]


def smtp_fault(server: Server, mailbox_port: int, down_seconds: float, count: int = 10) -> list[str]:
    emails = [f"bench.{uuid.uuid4().hex[:8]}@example.com" for _ in range(count)]
    went_down = time.monotonic()
    acknowledged = []
    for email in emails:
        session = Session(server)
        session._token_page = "/register"
        status, _, _ = session.request("POST", "/register", {
            "full_name": "Bench Person", "office_address": "1 Bench Street, Hartford, CT 06103",
            "mobile_phone": "860.555.0199", "email": email, "position": "Billing Specialist"})
        if status == 303:
            acknowledged.append(email)
    time.sleep(max(0.0, down_seconds - (time.monotonic() - went_down)))
    with running_smtp_server(mailbox_port) as mailbox:
        back = time.monotonic()
        deadline = back + 240
        while time.monotonic() < deadline and len({r for m in mailbox.messages for r in m.recipients}
                                                  & set(acknowledged)) < len(acknowledged):
            time.sleep(0.5)
        delivered_after = time.monotonic() - back
        time.sleep(5)  # a duplicate would arrive now
        per_address = {e: sum(e in m.recipients for m in mailbox.messages) for e in acknowledged}
    line = (f"SMTP down {down_seconds:.0f} s during {len(acknowledged)} registrations: all delivered "
            f"{delivered_after:.0f} s after it came back; mails per address: "
            f"{sorted(set(per_address.values()))} (1 = each sent once). Load {load_average()}.")
    print(line, flush=True)
    return [line]


def index_fault(server: Server, word: str) -> list[str]:
    session = Session(server).sign_in("staff@sunrise.example")
    shutil.rmtree(server.env["INDEX_DIR"])
    _, _, page = session.request("POST", "/search", {"q": word})
    said_rebuilding = "Search is being rebuilt" in page
    home_status, _, _ = session.request("GET", "/")
    cases_status, _, _ = session.request("GET", "/cases")
    started = time.monotonic()
    while time.monotonic() - started < 120:
        _, _, page = session.request("POST", "/search", {"q": word})
        if "Search is being rebuilt" not in page and "result" in page.lower():
            break
        time.sleep(0.2)
    line = (f"index folder deleted while serving: search said it is being rebuilt: {said_rebuilding}; "
            f"Home {home_status}, Search and Comment {cases_status}; search answered again after "
            f"{time.monotonic() - started:.1f} s. Load {load_average()}.")
    print(line, flush=True)
    return [line]


def run_database(name: str, database_url: str, args, work: Path) -> list[str]:
    smtp_port = free_port()
    out = [f"\n### {name}\n", "| page | 1 client: median | 1 client: req/s | 32 clients: p50 / p95 / p99 "
           "| 32 clients: req/s | ×single | errors | RSS/worker (max) | load avg |", "|---|---|---|---|---|---|---|---|---|"]
    server = Server(name, database_url, work, smtp_port)
    try:
        with running_smtp_server(smtp_port):
            server.prepare()
            server.start()
            if not args.skip_load:
                out += load_runs(server, args.seconds, "claim", args.pages)
            if not args.skip_faults:
                out += index_fault(server, "claim")
                out += kill_fault(server, max(6.0, args.seconds))
        if not args.skip_faults:  # the SMTP server above is gone now: it is "down"
            out += smtp_fault(server, smtp_port, args.smtp_down)
    finally:
        server.stop()  # also when a step failed: never leave a server running
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load run")
    parser.add_argument("--smtp-down", type=float, default=60.0)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-faults", action="store_true")
    parser.add_argument("--threads", type=int, help="WEB_THREADS (default: gunicorn.conf.py's)")
    parser.add_argument("--pages", help="only the pages whose names contain one of these words "
                                        "(comma-separated, e.g. 'hello,Home,thread')")
    args = parser.parse_args()
    if args.threads:
        os.environ["WEB_THREADS"] = str(args.threads)
    print(f"load bench: {args.seconds:g} s per run, {os.cpu_count()} cores, "
          f"WEB_THREADS={os.environ.get('WEB_THREADS', 'default')}, load average {load_average()}")
    lines = []
    with tempfile.TemporaryDirectory(prefix="pd-load-bench-") as temp:
        if args.db in ("sqlite", "both"):
            work = Path(temp) / "sqlite"
            work.mkdir()
            lines += run_database("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", args, work)
        if args.db in ("postgres", "both"):
            import psycopg

            name = f"pd_load_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            parts = urllib.parse.urlsplit(POSTGRES_URL)
            url = urllib.parse.urlunsplit(("postgresql+psycopg", parts.netloc, f"/{name}", "", ""))
            work = Path(temp) / "postgres"
            work.mkdir()
            try:
                lines += run_database("PostgreSQL", url, args, work)
            finally:
                with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("\n".join(lines))


if __name__ == "__main__":
    main()
