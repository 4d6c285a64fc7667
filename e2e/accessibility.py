"""axe-core (WCAG 2.x A and AA rules) over every state a story's page goes through.

`AxeWatch(page)` adds a script to every document of the page: when the document has loaded, and
after every htmx swap has settled, it runs axe-core and reports the violations to Python. A
navigation away from a document (a link, a form post, a redirect) waits until that document's
checks have reported, so no page a story passes through goes unchecked, however fast the story
moves on. Error pages, forms shown again with their errors and htmx-swapped states are covered
the same way, for every story that uses the `page` fixture, without the story doing anything.
A violation fails the story with the rule, the page and the element (e2e/conftest.py).

A state identical to one already checked in the same worker process (the same page seen again:
the same HTML once the per-request CSRF tokens are blanked, the same form values, focus, hover,
scroll, viewport, media features, style sheets and images) is not run through axe-core again: it
reports the verdict of the first check, violations included, so it fails a story the same way.
A verdict is kept only when the document did not change while axe-core ran; documents with frames
or shadow roots, or with an animation running, are always checked afresh.

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
  // Verdicts of states already checked (state key -> violations), from the Python side of this
  // worker at the document's start; a state met again reports that verdict instead of running axe.
  // Asked for once the document has parsed (a binding called while the document is being created
  // can be lost); the first check waits for them, at most 1 s (Python answers only from inside a
  // Playwright call: a story sleeping elsewhere gets the check run as before).
  var known = {}, fetched = new Promise(function (resolve) {
    function ask() {
      setTimeout(resolve, 1000);
      window.__a11yKnownVerdicts().then(function (verdicts) {
        for (var key in verdicts) if (!(key in known)) known[key] = verdicts[key];
        resolve();
      }, resolve);
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ask);
    else ask();
  });
  function hash(text, seed) {  // cyrb53: 53 bits, synchronous
    var h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
    for (var i = 0, ch; i < text.length; i++) {
      ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
  }
  // Everything axe-core's verdict on this document depends on, or null when the state cannot be
  // keyed (frames and shadow roots are not in outerHTML; a running animation changes styles).
  function stateKey() {
    try {
      if (document.querySelector('iframe, frame, object, embed')) return null;
      if (document.getAnimations && document.getAnimations().some(function (a) {
            return a.playState === 'running'; })) return null;
      var all = document.getElementsByTagName('*'), parts = [], i, el;
      for (i = 0; i < all.length; i++) {
        el = all[i];
        if (el.shadowRoot) return null;
        if (el.scrollTop || el.scrollLeft) parts.push('scroll ' + i + ' ' + el.scrollTop + ' ' + el.scrollLeft);
      }
      // The CSRF tokens (signed per request) are the only per-request text of our pages.
      var html = document.documentElement.outerHTML, tokens = {};
      document.querySelectorAll('input[name="csrf_token"], meta[name="csrf-token"]').forEach(function (t) {
        var value = t.getAttribute('value') || t.getAttribute('content');
        if (value) tokens[value] = 1;
      });
      document.querySelectorAll('[hx-headers]').forEach(function (t) {
        try {
          var headers = JSON.parse(t.getAttribute('hx-headers'));
          if (headers['X-CSRFToken']) tokens[headers['X-CSRFToken']] = 1;
        } catch (e) {}
      });
      parts.push(location.href, document.compatMode, document.contentType,
                 [innerWidth, innerHeight, devicePixelRatio, scrollX, scrollY,
                  screen.width, screen.height].join(' '));
      ['(prefers-color-scheme: dark)', '(prefers-reduced-motion: reduce)', '(forced-colors: active)',
       '(prefers-contrast: more)', 'print'].forEach(function (query) {
        parts.push(query + matchMedia(query).matches);
      });
      for (i = 0; i < document.styleSheets.length; i++) {
        var sheet = document.styleSheets[i];
        parts.push('sheet ' + sheet.href + ' ' + sheet.disabled + ' ' + sheet.media.mediaText + ' ' +
                   sheet.cssRules.length);
      }
      parts.push('fonts ' + document.fonts.status + ' ' + document.fonts.size);
      // Form control state (values typed, boxes ticked, options chosen) is not in outerHTML.
      document.querySelectorAll('input, textarea, select, option').forEach(function (c) {
        parts.push(c.tagName === 'OPTION' ? 'o' + c.selected
                   : [c.value, c.checked, c.indeterminate, c.validity.valid,
                      c.validationMessage].join('\\u0001'));
      });
      document.querySelectorAll('img').forEach(function (img) {
        parts.push('img ' + img.complete + ' ' + img.naturalWidth + ' ' + img.naturalHeight);
      });
      var active = document.activeElement, index = Array.prototype.indexOf;
      parts.push('focus ' + index.call(all, active) + ' ' + (active ? active.matches(':focus-visible') : ''));
      var hovered = document.querySelectorAll(':hover');
      parts.push('hover ' + (hovered.length ? index.call(all, hovered[hovered.length - 1]) : -1));
      ['dialog:modal', ':popover-open'].forEach(function (pseudo) {
        try {
          document.querySelectorAll(pseudo).forEach(function (e) { parts.push(pseudo + index.call(all, e)); });
        } catch (e) {}
      });
      var text = html + '\\u0000' + parts.join('\\u0000');
      Object.keys(tokens).sort(function (a, b) { return b.length - a.length; }).forEach(function (t) {
        text = text.split(t).join('{csrf}');  // in the HTML and in the hidden inputs' values
      });
      return hash(text, 1) + '.' + hash(text, 2) + '.' + text.length;
    } catch (error) {
      return null;
    }
  }
  function report(when, violations, error, key, cached) {
    return window.__a11yReport({document: performance.timeOrigin, url: location.href, when: when,
                                violations: violations, error: error ? String(error) : null,
                                key: key, cached: cached});
  }
  function summarise(result) {
    return result.violations.map(function (rule) {
      return {rule: rule.id, impact: rule.impact || '', help: rule.help, helpUrl: rule.helpUrl,
              nodes: rule.nodes.map(function (node) {
                return {target: node.target.join(' '), html: node.html,
                        summary: node.failureSummary || ''};
              })};
    });
  }
  function run(when) {
    var before = stateKey();
    if (before !== null && known.hasOwnProperty(before))
      return report(when, known[before], null, before, true);
    if (typeof window.axe === 'undefined') window.__a11yLoadAxe.call(window);
    return window.axe.run(document, options).then(function (result) {
        var violations = summarise(result), after = stateKey();
        // Kept only when the document did not change while axe-core ran.
        var key = before !== null && before === after ? before : null;
        if (key !== null) known[key] = violations;
        return report(when, violations, null, key, false);
      }, function (error) { return report(when, [], error, null, false); });
  }
  function check(when) {
    window.__a11yStarted(performance.timeOrigin);
    queue = queue.then(function () { return fetched; }).then(function () { return run(when); })
      .then(null, function (error) { return report(when, [], error, null, false); });
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


# axe-core's verdict (violations) per page state already checked in this process, keyed by the
# state's hash (the RUNNER's stateKey): the document's HTML with the per-request CSRF tokens
# blanked, form control values and validity, focus, hover, scroll positions, viewport, media
# features, style sheets, images. A page sees the verdicts known when its document starts; a state
# met again reports the same violations (so a story still fails on them) without running axe-core.
VERDICTS: dict[str, list] = {}


@dataclass
class AxeWatch:
    page: Page
    hold_navigations: bool = True  # off where the caller waits itself (routing turns off the cache)
    states: int = 0                         # document states checked
    repeated: int = 0                       # of which identical to a state checked before
    paths: set = field(default_factory=set)  # distinct paths checked
    violations: list[Violation] = field(default_factory=list)
    _pending: dict = field(default_factory=dict)  # document (its time origin) -> checks running
    _newest: float = 0.0
    _held: list = field(default_factory=list)
    _cdp: object = None

    def __post_init__(self):
        self.page.expose_binding("__a11yStarted", self._started)
        self.page.expose_binding("__a11yReport", self._report)
        self.page.expose_binding("__a11yKnownVerdicts", lambda _source: VERDICTS)
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
        if report.get("cached"):
            self.repeated += 1
        elif report.get("key") and not report.get("error"):
            VERDICTS[report["key"]] = report["violations"]
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
