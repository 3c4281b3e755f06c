// Quick Exit, after the GOV.UK "Exit this page" pattern: the button, or Shift pressed three
// times within 5 seconds, blanks the page at once and replaces it in the history with a
// neutral page, so Back does not return here. Without JavaScript the button is a plain link.
(function () {
  "use strict";
  var RESET_AFTER_MS = 5000;
  var presses = 0;
  var timer = null;

  function destination() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.getAttribute("href") : "https://www.google.com/search?q=weather";
  }

  function exitNow(event) {
    if (event) { event.preventDefault(); }
    var url = destination();
    document.documentElement.classList.add("quick-exit--leaving");
    document.title = "…";
    if (document.body) { document.body.innerHTML = ""; }
    window.location.replace(url);
  }

  function onKeyDown(event) {
    // Only Shift on its own counts; Shift held for a capital letter or a shortcut does not.
    if (event.key !== "Shift" || event.repeat || event.ctrlKey || event.altKey || event.metaKey) {
      if (event.key !== "Shift") { presses = 0; }
      return;
    }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, RESET_AFTER_MS);
    if (presses >= 3) { exitNow(); }
  }

  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (target) { exitNow(event); }
  });
})();
