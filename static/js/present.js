// Projector and presenter navigation (templates/lessons/present.html, presenter.html).
// Without this script every screen is an anchor with next/previous links. With it, one screen is shown
// at a time and ← →, PageUp/PageDown (what classroom clickers send), Home and End move between them.
// The projector tells a presenter window in the same browser which screen is showing (BroadcastChannel).
(function () {
  "use strict";
  var screens = Array.prototype.slice.call(document.querySelectorAll("[data-screen]"));
  if (!screens.length) { return; }
  var holder = document.querySelector("[data-present-channel]");
  var channelName = holder && holder.getAttribute("data-present-channel");
  var channel = channelName && window.BroadcastChannel ? new BroadcastChannel(channelName) : null;
  var current = 0;
  document.documentElement.classList.add("js-present");

  function indexFromHash() {
    var match = /^#(?:screen|note)-(\d+)$/.exec(window.location.hash);
    var index = match ? parseInt(match[1], 10) - 1 : 0;
    return Math.min(Math.max(index, 0), screens.length - 1);
  }

  function show(index, announce) {
    current = Math.min(Math.max(index, 0), screens.length - 1);
    screens.forEach(function (screen, i) { screen.classList.toggle("is-current", i === current); });
    var target = screens[current];
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + target.id);
    }
    target.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    if (announce && channel) { channel.postMessage({ screen: current + 1 }); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON") { return; }
    var moves = { ArrowRight: current + 1, PageDown: current + 1, ArrowLeft: current - 1, PageUp: current - 1,
                  Home: 0, End: screens.length - 1 };
    if (!(event.key in moves)) { return; }
    event.preventDefault();
    show(moves[event.key], true);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-go]");
    if (!link) { return; }
    event.preventDefault();
    show(current + (link.getAttribute("data-go") === "next" ? 1 : -1), true);
  });

  window.addEventListener("hashchange", function () { show(indexFromHash(), true); });
  if (channel) {
    channel.onmessage = function (message) {
      if (message.data && message.data.screen) { show(message.data.screen - 1, false); }
    };
  }
  show(indexFromHash(), false);
})();
