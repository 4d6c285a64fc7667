"""axe-core (WCAG 2.x A and AA rules) over every state a story's page goes through.

`AxeWatch(page)` adds a script to every document of the page: when the document has loaded, and
after every htmx swap has settled, it runs axe-core and reports the violations to Python. A
navigation away from a document (a link, a form post, a redirect) waits until that document's
checks have reported, so no page a story passes through goes unchecked, however fast the story
moves on. Error pages, forms shown again with their errors and htmx-swapped states are covered
the same way, for every story that uses the `page` fixture, without the story doing anything.
A violation fails the story with the rule, the page and the element (e2e/conftest.py).

axe-core comes from the pinned axe-playwright-python package (axe.min.js inside the wheel):
nothing is downloaded at run time. The script is added through the DevTools protocol, so the
app's Content-Security-Policy needs no exception for it. Pages with JavaScript off (`no_js_page`)
cannot run it; they render the same templates as the checked pages, without htmx.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

RUNNER = """
(function () {
  if (window.top !== window) return;
  var options = %s;
  var queue = Promise.resolve(), swaps = 0;
  function report(when, result, error) {
    var violations = (result ? result.violations : []).map(function (rule) {
      return {rule: rule.id, impact: rule.impact || '', help: rule.help, helpUrl: rule.helpUrl,
              nodes: rule.nodes.map(function (node) {
                return {target: node.target.join(' '), html: node.html,
                        summary: node.failureSummary || ''};
              })};
    });
    return window.__a11yReport({document: performance.timeOrigin, url: location.href, when: when,
                                violations: violations, error: error ? String(error) : null});
  }
  function check(when) {
    window.__a11yStarted(performance.timeOrigin);
    queue = queue.then(function () {
        if (typeof window.axe === 'undefined') window.__a11yLoadAxe.call(window);
        return window.axe.run(document, options);
      })
      .then(function (result) { return report(when, result, null); },
            function (error) { return report(when, null, error); });
  }
  window.addEventListener('load', function () { check('after the page loaded'); });
  document.addEventListener('htmx:afterSettle', function () {
    swaps += 1;
    check('after htmx swap ' + swaps);
  });
})();
""" % json.dumps(AXE_OPTIONS)


@dataclass
class Violation:
    url: str
    when: str
    rule: str
    impact: str
    help: str
    help_url: str
    element: str
    html: str
    summary: str

    def describe(self) -> str:
        summary = self.summary.strip().replace("\n", "\n      ")
        return (f"{self.rule} ({self.impact}): {self.help}\n"
                f"    page: {self.url} ({self.when})\n"
                f"    element: {self.element}\n"
                f"    html: {self.html}\n"
                f"      {summary}\n"
                f"    see {self.help_url}")


@dataclass
class AxeWatch:
    page: Page
    hold_navigations: bool = True  # off where the caller waits itself (routing turns off the cache)
    states: int = 0                         # document states checked
    paths: set = field(default_factory=set)  # distinct paths checked
    violations: list[Violation] = field(default_factory=list)
    _pending: dict = field(default_factory=dict)  # document (its time origin) -> checks running
    _newest: float = 0.0
    _held: list = field(default_factory=list)
    _cdp: object = None

    def __post_init__(self):
        self.page.expose_binding("__a11yStarted", self._started)
        self.page.expose_binding("__a11yReport", self._report)
        # axe-core's source is only parsed when a document is created; it runs (sets up its
        # rules) at the first check, after the page's own scripts, so it does not slow the page
        # down while a story interacts with it.
        self.page.add_init_script(
            script="window.__a11yLoadAxe = function () {\n" + AXE_SCRIPT + "\n};\n" + RUNNER)
        if self.hold_navigations:
            # Documents only, through the DevTools protocol: Playwright's page.route would send
            # every request through Python and turn the HTTP cache off, changing the timing of
            # the stories (htmx fetched again on every page).
            self._cdp = self.page.context.new_cdp_session(self.page)
            self._cdp.on("Fetch.requestPaused", self._hold_navigation)
            self._cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*", "resourceType": "Document",
                                                          "requestStage": "Request"}]})
        self.page.on("framenavigated", self._new_document)

    # Called from the page (bindings) and from Playwright (route): record only, never call back
    # into Playwright except to let held requests go.
    def _started(self, _source, document: float) -> None:
        if document < self._newest:  # a late message from a document already left
            return
        if document > self._newest:  # a new document: the old one's checks will never report
            self._newest = document
            self._pending.clear()
        self._pending[document] = self._pending.get(document, 0) + 1

    def _report(self, _source, report: dict) -> None:
        document = report["document"]
        if document in self._pending:
            self._pending[document] -= 1
            if not self._pending[document]:
                del self._pending[document]
        self.states += 1
        self.paths.add(urlsplit(report["url"]).path)
        if report.get("error"):
            self.violations.append(Violation(report["url"], report["when"], "axe-error", "", report["error"],
                                             "", "", "", ""))
        for rule in report["violations"]:
            for node in rule["nodes"]:
                self.violations.append(Violation(
                    url=report["url"], when=report["when"], rule=rule["rule"], impact=rule["impact"],
                    help=rule["help"], help_url=rule["helpUrl"], element=node["target"],
                    html=" ".join(node["html"].split())[:300], summary=node["summary"]))
        self._release()

    def _new_document(self, frame) -> None:
        if frame == self.page.main_frame:  # whatever was pending belonged to the left document
            self._pending.clear()
            self._release()

    def _hold_navigation(self, event: dict) -> None:
        # A redirect's next hop is never held: the document it would wait for is already gone.
        if self._pending and not event.get("redirectedRequestId"):
            self._held.append(event["requestId"])  # let go when the document's checks reported
        else:
            self._continue(event["requestId"])

    def _continue(self, request_id: str) -> None:
        try:
            self._cdp.send("Fetch.continueRequest", {"requestId": request_id})
        except Exception:  # noqa: BLE001 - the page or request is gone: nothing to let go
            pass

    def _release(self) -> None:
        while self._held and not self._pending:
            self._continue(self._held.pop(0))

    def wait(self, timeout: float = 20.0) -> None:
        """Wait for the checks still running (the end of a story)."""
        deadline = time.monotonic() + timeout
        while self._pending and time.monotonic() < deadline and not self.page.is_closed():
            self.page.wait_for_timeout(50)
        if self._pending:
            self.violations.append(Violation(self.page.url, "end of the story", "axe-timeout", "",
                                             f"axe-core did not finish within {timeout:.0f} s",
                                             "", "", "", ""))

    def report(self) -> str:
        """The violations, each element once, with every page state it was seen in."""
        grouped: dict[tuple, list[Violation]] = {}
        for violation in self.violations:
            grouped.setdefault((violation.rule, violation.element, violation.html), []).append(violation)
        lines = [f"axe-core (WCAG 2.x A/AA) found {len(grouped)} accessibility violation(s) in this "
                 f"story ({len(self.violations)} counting each page state):"]
        for number, found in enumerate(grouped.values(), 1):
            first = found[0]
            lines.append(f"{number}. {first.describe()}")
            lines += [f"    also on: {v.url} ({v.when})" for v in found[1:6]]
            if len(found) > 6:
                lines.append(f"    ... and {len(found) - 6} more page states")
        return "\n".join(lines)


# Every watch of the run (story id, watch), for the totals at the end.
AXE_WATCHES: list[tuple[str, AxeWatch]] = []


def watch_accessibility(request, page: Page, *, hold_navigations: bool = True) -> AxeWatch:
    """Check `page` with axe-core for the test of `request`; e2e/conftest.py fails the test on a
    violation once it has otherwise passed."""
    watch = AxeWatch(page, hold_navigations=hold_navigations)
    request.node.axe_watch = watch
    AXE_WATCHES.append((request.node.nodeid, watch))
    return watch
