"""Two app servers (gunicorn, two workers each, their own ports and index folders) on one
PostgreSQL database, as two machines behind a load balancer would run."""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.cases.helpers import claim_form
from tests.conftest import DEMO_PASSWORD, TEST_PASSWORD_HASH
from tests.databases import backend_name, postgres_admin_url, postgres_unreachable
from tests.mailbox import free_port, running_smtp_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def postgres_database():
    """A new, empty PostgreSQL database for this test, dropped afterwards. Runs in the PostgreSQL
    pass of `make test` (TEST_DATABASE=postgresql), where an unreachable server already fails."""
    if backend_name() != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (TEST_DATABASE=postgresql)")
    import psycopg

    admin_url = postgres_admin_url()
    why = postgres_unreachable(admin_url)
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL is required in CI: {why}")
        pytest.skip(f"PostgreSQL not reachable at {admin_url}: {why}")
    admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    name = f"pdtest_{os.getpid()}_two_servers_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    url = urllib.parse.urlunsplit(("postgresql+psycopg", parts.netloc, f"/{name}", parts.query, ""))
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Browser:
    """A signed-in user of one server: cookies, CSRF token from the page, form posts."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path: str, form: dict, token_from: str | None = None) -> str:
        page = self.get(token_from or path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
            re.search(r'name="csrf-token" content="([^"]+)"', page)
        data = urllib.parse.urlencode({**form, "csrf_token": token.group(1)}).encode()
        with self.opener.open(self.base_url + path, data=data, timeout=20) as response:
            return response.read().decode()

    def sign_in(self, login: str) -> "Browser":
        page = self.post("/sign-in", {"login": login, "password": DEMO_PASSWORD})
        assert "Sign Out" in page, page[:500]
        return self


def _wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"server did not come up:\n{log.read_text()}")


@pytest.fixture
def two_servers(postgres_database, tmp_path):
    with running_smtp_server() as mailbox:
        base = {**os.environ, "PROVIDERDESK_ENV": "development", "SECRET_KEY": "two-servers-key",
                "DATABASE_URL": postgres_database, "UPLOAD_DIR": str(tmp_path / "shared-uploads"),
                "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mailbox.port), "LOG_FORMAT": "json",
                "WEB_CONCURRENCY": "2", "WEB_THREADS": "4", "BIND_HOST": "127.0.0.1",
                "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,  # seeding and sign-ins: no scrypt cost
                "PYTHONUNBUFFERED": "1"}
        servers, processes = [], []
        try:
            for name in ("a", "b"):
                port = free_port()
                env = {**base, "PORT": str(port), "INSTANCE_DIR": str(tmp_path / name),
                       "INDEX_DIR": str(tmp_path / name / "index"),
                       "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
                flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
                if name == "a":
                    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                                   capture_output=True)
                    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True,
                                   capture_output=True)
                subprocess.run([*flask, "search", "reindex", "--procs", "1"], cwd=ROOT, env=env,
                               check=True, capture_output=True)
                log = tmp_path / f"server-{name}.log"
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"], cwd=ROOT,
                    env=env, stdout=log.open("w"), stderr=subprocess.STDOUT))
                servers.append(f"http://127.0.0.1:{port}")
                _wait_for_health(servers[-1], processes[-1], log)
            yield servers, mailbox
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


def test_a_case_created_on_one_server_is_found_on_the_other_and_its_notice_mailed_once(two_servers):
    (server_a, server_b), mailbox = two_servers
    staff_on_a = Browser(server_a).sign_in("staff@sunrise.example")
    word = f"Zanzibar{uuid.uuid4().hex[:6]}"
    page = staff_on_a.post("/cases/new?type=claim", claim_form(subject=f"{word} claim underpaid"))
    number = re.search(r"Case (\S+) was created", page).group(1)

    staff_on_b = Browser(server_b).sign_in("staff@sunrise.example")
    created = time.monotonic()
    while number not in staff_on_b.post("/search", {"q": word}):
        assert time.monotonic() - created < 2.0, "the case was not found on the other server within 2 s"
        time.sleep(0.1)

    # An agent answers on server B: Sunrise's users are mailed a notice, each exactly once,
    # although four web workers on two machines send mail.
    agent_on_b = Browser(server_b).sign_in("agent@plan.example")
    agent_on_b.post(f"/cases/{number}/comment", {"comment": "We are reviewing the rate."},
                    token_from=f"/cases/{number}")
    notice = mailbox.wait_for(to="staff@sunrise.example", subject_contains="new comment")
    assert f"/cases/{number}" in notice.body
    time.sleep(3)  # room for a second copy, if any sender were to send it again
    notices = [m for m in mailbox.messages if "new comment" in m.subject]
    recipients = [r for m in notices for r in m.recipients]
    assert len(recipients) == len(set(recipients)) and "staff@sunrise.example" in recipients
    health = urllib.request.urlopen(server_a + "/healthz", timeout=5)
    report = __import__("json").loads(health.read())
    assert report["mail"]["unsent"] == 0 and report["search"]["lag_changes"] == 0
