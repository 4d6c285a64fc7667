// Live thread and case pages: the "Check for new messages" link polls (htmx, every LIVE_POLL_SECONDS, 15 s by default) with the
// ETag of what the page shows, so "nothing new" is a bodiless 304; no polling while the tab is hidden.
(function () {
  "use strict";
  function isPoll(elt) { return elt && elt.id === "live-poll"; }
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (isPoll(elt) && elt.dataset.etag) {
      event.detail.headers["If-None-Match"] = '"' + elt.dataset.etag + '"';
    }
  });
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggerEvent;
    if (isPoll(event.detail.elt) && document.hidden && !(trigger && trigger.type === "click")) {
      event.preventDefault();  // skipped: asked again when the page is visible
    }
  });
  document.addEventListener("visibilitychange", function () {
    var elt = document.getElementById("live-poll");
    if (!document.hidden && elt && window.htmx) { window.htmx.trigger(elt, "live:check"); }
  });
})();
