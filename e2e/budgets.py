"""Bytes on the wire per page, measured by Chromium itself (DevTools protocol, Network domain).

`WireMeter(page)` counts every response's encoded (compressed) length plus its headers as Chromium
received them; a response served from the browser cache counts 0. The page budgets story
(e2e/test_page_budgets.py) records one `BudgetRow` per page type and fragment; the table prints
at the end of the run (e2e/conftest.py), so a change that grows a page shows up in CI's log.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

KB = 1024
FIRST_VISIT_BUDGET = 30 * KB      # everything a cold cache downloads for the page
REPEAT_VISIT_BUDGET = 8 * KB      # the same page again, cache warm
FRAGMENT_BUDGET = 3 * KB          # one htmx response
HTML_CSS_BUDGET = 14 * KB         # the document and its style sheets, compressed: the first round trips


@dataclass
class Transfer:
    url: str
    kind: str          # Document, Stylesheet, Script, XHR, Fetch, Image, ...
    bytes: int = 0
    from_cache: bool = False


class WireMeter:
    def __init__(self, page: Page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self._live: dict[str, Transfer] = {}
        self.done: list[Transfer] = []
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")

    def _sent(self, event) -> None:
        self._live[event["requestId"]] = Transfer(event["request"]["url"], event.get("type", ""))

    def _cached(self, event) -> None:
        transfer = self._live.get(event["requestId"])
        if transfer is not None:
            transfer.from_cache = True

    def _finished(self, event) -> None:
        transfer = self._live.pop(event["requestId"], None)
        if transfer is not None:
            transfer.bytes = 0 if transfer.from_cache else int(event["encodedDataLength"])
            self.done.append(transfer)

    def clear_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def throttle(self, latency_ms: int, kbps: int) -> None:
        rate = kbps * 1000 // 8  # bytes per second
        self.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": latency_ms, "downloadThroughput": rate,
            "uploadThroughput": rate})

    def measure(self, action) -> list[Transfer]:
        """The transfers caused by `action` (which navigates or swaps and waits for the result)."""
        self.done = []
        action()
        self.page.wait_for_load_state("networkidle")
        return list(self.done)


def total(transfers: list[Transfer], *kinds: str) -> int:
    return sum(t.bytes for t in transfers if not kinds or t.kind in kinds)


@dataclass
class BudgetRow:
    name: str
    first: int | None = None
    repeat: int | None = None
    html_css: int | None = None
    fragment: int | None = None
    usable_ms: float | None = None
    over: list[str] = field(default_factory=list)


BUDGET_ROWS: list[BudgetRow] = []


def budget_table() -> list[str]:
    """The measured figures, one line per page type (sizes in KB)."""
    def kb(value):
        return "" if value is None else f"{value / KB:.1f}"

    lines = [f"{'page':32} {'first':>7} {'repeat':>7} {'HTML+CSS':>9} {'fragment':>9} {'usable':>8}",
             f"{'budget':32} {kb(FIRST_VISIT_BUDGET):>7} {kb(REPEAT_VISIT_BUDGET):>7} "
             f"{kb(HTML_CSS_BUDGET):>9} {kb(FRAGMENT_BUDGET):>9} {'2000 ms':>8}"]
    for row in BUDGET_ROWS:
        usable = "" if row.usable_ms is None else f"{row.usable_ms:.0f} ms"
        flag = "  OVER: " + ", ".join(row.over) if row.over else ""
        lines.append(f"{row.name[:32]:32} {kb(row.first):>7} {kb(row.repeat):>7} "
                     f"{kb(row.html_css):>9} {kb(row.fragment):>9} {usable:>8}{flag}")
    return lines
