/* Terms and Conditions: "Accept" is enabled once the text has been scrolled to its end.
   Without JavaScript the "I have read the terms" checkbox does the same job. */
(function () {
  function setup() {
    var box = document.getElementById("terms-text");
    var accept = document.getElementById("accept-terms");
    var check = document.getElementById("read_terms");
    var checkField = document.getElementById("read-terms-field");
    var hint = document.getElementById("scroll-hint");
    if (!box || !accept || !check || accept.dataset.termsReady) return;
    accept.dataset.termsReady = "1";
    checkField.hidden = true;
    if (hint) hint.hidden = false;
    function update() {
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 4) {
        check.checked = true;
        accept.disabled = false;
        if (hint) hint.textContent = "You have reached the end of the terms. You can accept them now.";
      }
    }
    accept.disabled = true;
    box.addEventListener("scroll", update, { passive: true });
    update();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
  document.addEventListener("htmx:afterSettle", setup);
})();
