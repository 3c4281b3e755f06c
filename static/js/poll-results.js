// Live poll on the projector (templates/teaching/polls/projector.html): asks the server for the counts
// every few seconds and redraws them. Without JavaScript the page refreshes itself (a meta refresh).
// The server decides what may be shown: the distribution only once enough people have answered.
(function () {
  "use strict";
  var box = document.getElementById("poll-results");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-results-url");
  var INTERVAL_MS = 3000;

  function render(data) {
    var count = box.querySelector(".poll-count");
    if (!count || String(data.answered) === count.getAttribute("data-answered")) { return; }
    // Re-render from the server's HTML so the wording stays translated in one place (the template).
    window.location.reload();
  }

  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) { render(data); }
        if (!data || data.open) { window.setTimeout(tick, INTERVAL_MS); }
      })
      .catch(function () { window.setTimeout(tick, INTERVAL_MS * 2); });
  }
  window.setTimeout(tick, INTERVAL_MS);
})();
