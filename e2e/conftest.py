"""End-to-end harness: the real app in its own server process, a real SMTP server, real Chromium.

- `live_server`: a migrated, seeded app on a free loopback port with its own temp database,
  index, uploads and instance folders; it sends mail to `smtp_server`.
- `smtp_server`: aiosmtpd on loopback; `smtp_server.wait_for(to=..., subject=...)` returns a mail.
- `page` / `no_js_page`: a fresh browser context (JavaScript on / off) on the live server.
  Every state of the page is checked with axe-core (WCAG 2.x A/AA, e2e/accessibility.py): a
  violation fails the story with the rule, the page and the element; the totals print at the end.
Failures leave a screenshot in e2e-artifacts/ (CI prints the folder).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from e2e.accessibility import AXE_WATCHES, watch_accessibility
from e2e.budgets import BUDGET_ROWS, BudgetRow, budget_table
from tests.conftest import TEST_PASSWORD_HASH
from tests.mailbox import free_port, running_smtp_server

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "e2e-artifacts"
CHROMIUM = os.environ.get("PROVIDERDESK_CHROMIUM", "/usr/bin/chromium")
E2E_LIVE_POLL_SECONDS = 2
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def smtp_server():
    with running_smtp_server() as mailbox:
        yield mailbox


# --- server -----------------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    root: Path
    env: dict
    log_path: Path

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """Run a `flask --app wsgi` command against the server's database."""
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, check=True)


def _wait_until_listening(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log_path.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not start:\n{log_path.read_text()}")


def _prepare_database(env: dict) -> None:
    """`flask db upgrade`, `seed-demo` and `search reindex` for the server's settings, run through
    the app's CLI in this process: three fresh Python processes importing the app cost ~20 s of
    CPU on a busy 2-core machine, for each xdist worker."""
    from config import load_settings
    from webapp import create_app
    from webapp.extensions import db

    app = create_app({**load_settings(env), "SEARCH_LIVE_UPDATES": False})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed-demo"], ["search", "reindex", "--procs", "1"]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.output}") from result.exception
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp_server):
    root = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {
        **os.environ,
        "PROVIDERDESK_ENV": "development",
        "SECRET_KEY": "e2e-secret-key",
        "INSTANCE_DIR": str(root),
        "DATABASE_URL": f"sqlite:///{root / 'e2e.sqlite3'}",
        "INDEX_DIR": str(root / "index"),
        "UPLOAD_DIR": str(root / "uploads"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,  # seeding and sign-ins: no scrypt cost
        # Live pages ask every 2 s instead of 15: stories that wait for a reply to arrive on an
        # open page (e2e/test_helpdesk.py) wait ~1 s instead of ~8 s on average.
        "LIVE_POLL_SECONDS": str(E2E_LIVE_POLL_SECONDS),
    }
    server = LiveServer(url=f"http://127.0.0.1:{port}", root=root, env=env,
                        log_path=root / "server.log")
    _prepare_database(env)
    log_file = server.log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--host", "127.0.0.1",
         "--port", str(port), "--no-reload", "--no-debugger"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(port, process, server.log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()


# --- browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium) "
                    "or set PROVIDERDESK_CHROMIUM", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- accessibility ----------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a story passes, wait for the checks of its last page state; any violation seen fails
    the story (with the rule, the page and the element)."""
    result = yield
    watch = getattr(item, "axe_watch", None)
    if watch is not None:
        watch.wait()
        if watch.violations:
            pytest.fail(watch.report(), pytrace=False)
    return result


# Under pytest-xdist the stories run in worker processes: each hands its rows and axe totals to the
# controller (xdist's workeroutput), which prints them once at the end of the run.
WORKER_TOTALS: list[dict] = []


def _axe_totals() -> dict:
    return {"stories": len(AXE_WATCHES), "states": sum(w.states for _, w in AXE_WATCHES),
            "repeated": sum(w.repeated for _, w in AXE_WATCHES),
            "paths": sorted(set().union(*(w.paths for _, w in AXE_WATCHES))) if AXE_WATCHES else [],
            "violations": sum(len(w.violations) for _, w in AXE_WATCHES)}


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker
        workeroutput["budget_rows"] = [asdict(row) for row in BUDGET_ROWS]
        workeroutput["axe"] = _axe_totals()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", None) or {}
    BUDGET_ROWS.extend(BudgetRow(**row) for row in output.get("budget_rows", []))
    if output.get("axe", {}).get("stories"):
        WORKER_TOTALS.append(output["axe"])


def pytest_terminal_summary(terminalreporter):
    if BUDGET_ROWS:
        terminalreporter.write_sep("-", "page budgets (bytes on the wire, KB; e2e/test_page_budgets.py)")
        for line in budget_table():
            terminalreporter.write_line(line)
    totals = WORKER_TOTALS + ([_axe_totals()] if AXE_WATCHES else [])
    if not totals:
        return
    paths = set().union(*(set(t["paths"]) for t in totals))
    terminalreporter.write_sep("-", "accessibility (axe-core, WCAG 2.x A/AA)")
    terminalreporter.write_line(
        f"{sum(t['stories'] for t in totals)} stories, {sum(t['states'] for t in totals)} page states checked "
        f"on {len(paths)} distinct paths ({sum(t.get('repeated', 0) for t in totals)} of them identical to "
        f"one checked before in the same worker: its verdict reused), "
        f"{sum(t['violations'] for t in totals)} violation(s)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _save_failure_screenshot(request, page: Page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content())
    except Exception as exc:  # noqa: BLE001 - a screenshot must never hide the real failure
        print(f"could not save screenshot: {exc}")


def _new_page(browser, live_server, request, java_script_enabled: bool):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=java_script_enabled,
                                  locale="en-US", timezone_id="America/New_York")
    context.set_default_timeout(10_000)
    page = context.new_page()
    if java_script_enabled:  # axe-core runs in the page
        watch_accessibility(request, page)
    yield page
    _save_failure_screenshot(request, page)
    context.close()


@pytest.fixture
def page(browser, live_server, request):
    yield from _new_page(browser, live_server, request, java_script_enabled=True)


@pytest.fixture
def no_js_page(browser, live_server, request):
    yield from _new_page(browser, live_server, request, java_script_enabled=False)
