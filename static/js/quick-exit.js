// Quick Exit, after the GOV.UK "Exit this page" pattern: the button, or Shift pressed three
// times within 5 seconds, blanks the page at once and replaces it in the history with a
// neutral page, so Back does not return here. Without JavaScript the button is a plain link.
// Links marked data-replace-history (the help page's situation filters) replace the current
// history entry instead of adding one: after Quick Exit, Back must not step through help pages.
// Without JavaScript they are ordinary links and still work.
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
    if (!event.target.closest) { return; }
    if (event.target.closest("[data-quick-exit]")) { exitNow(event); return; }
    var replacing = event.target.closest("a[data-replace-history]");
    // A click meant for a new tab or window is left to the browser.
    if (replacing && event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)) {
      event.preventDefault();
      window.location.replace(replacing.href);
    }
  });
})();
