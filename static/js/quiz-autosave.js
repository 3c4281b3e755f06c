// Quiz autosave: answers go to the server as they change, so a reload, a flat battery or a lost
// connection never costs a student their work. Progressive enhancement only: without JavaScript
// the quiz is a plain form and nothing here runs. The server never scores an autosave; only the
// Submit button does.
//
// The form says where to save (data-autosave-url) and which element shows the state
// (data-autosave-status); that element carries the translated "Saved / Saving… / Offline" texts.
(function () {
  "use strict";

  var CHOICE_DELAY_MS = 500; // a click on a radio or box: save almost at once
  var TYPING_DELAY_MS = 3000; // typing: wait for a pause of a few seconds…
  var TYPING_MAX_WAIT_MS = 60000; // …but never keep unsaved text longer than a minute
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 60000;

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) {
    return;
  }
  var statusElement = document.getElementById(form.getAttribute("data-autosave-status"));
  var url = form.getAttribute("data-autosave-url");

  var changes = 0; // bumped on every edit
  var savedChanges = 0; // the value of `changes` the server has confirmed
  var dirtySince = null; // when the oldest unsaved edit happened
  var timer = null;
  var inFlight = false;
  var retryDelay = RETRY_FIRST_MS;
  var offline = false;
  var stopped = false; // the form is being submitted: the plain POST takes over

  function showStatus(state) {
    if (!statusElement) {
      return;
    }
    var text = statusElement.getAttribute("data-" + state) || "";
    if (statusElement.textContent !== text) {
      statusElement.textContent = text; // same text again would make screen readers repeat it
    }
    statusElement.setAttribute("data-state", state);
  }

  function isDirty() {
    return changes !== savedChanges;
  }

  // Save after `delay`, but no later than TYPING_MAX_WAIT_MS after the oldest unsaved edit.
  function scheduleSave(delay) {
    var now = Date.now();
    if (dirtySince === null) {
      dirtySince = now;
    }
    var due = Math.min(now + delay, dirtySince + TYPING_MAX_WAIT_MS);
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(0, due - now));
  }

  function noteChange(delay) {
    if (stopped) {
      return;
    }
    changes += 1;
    if (!offline) {
      showStatus("saving"); // not on the server yet, even before the request starts
    }
    if (!inFlight) {
      scheduleSave(delay);
    }
  }

  function save(options) {
    clearTimeout(timer);
    timer = null;
    if (stopped || inFlight || !isDirty()) {
      return;
    }
    inFlight = true;
    var sending = changes;
    if (!offline) {
      showStatus("saving");
    }
    fetch(url, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)), // includes csrfmiddlewaretoken
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      redirect: "manual", // a signed-out session redirects to the login page: not a save
      keepalive: Boolean(options && options.keepalive),
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("autosave answered " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (!body || body.saved !== true) {
          throw new Error("autosave did not save");
        }
        saved(sending);
      })
      .catch(failed);
  }

  function saved(sending) {
    inFlight = false;
    offline = false;
    retryDelay = RETRY_FIRST_MS;
    savedChanges = sending;
    if (isDirty()) {
      // The student kept going while we were saving: send the newer answers soon.
      dirtySince = Date.now();
      scheduleSave(CHOICE_DELAY_MS);
    } else {
      dirtySince = null;
      showStatus("saved");
    }
  }

  function failed() {
    inFlight = false;
    if (stopped) {
      return;
    }
    offline = true;
    showStatus("offline");
    clearTimeout(timer);
    timer = setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function onChange(event) {
    var field = event.target;
    if (field.type === "radio" || field.type === "checkbox") {
      noteChange(CHOICE_DELAY_MS);
    }
  }

  function onInput(event) {
    if (event.target.tagName === "TEXTAREA") {
      noteChange(TYPING_DELAY_MS);
    }
  }

  function retryNow() {
    if (isDirty() && !inFlight) {
      retryDelay = RETRY_FIRST_MS;
      save();
    }
  }

  function flushBeforeLeaving() {
    // Phones freeze hidden tabs: send what is unsaved while we still can.
    if (document.visibilityState === "hidden" && isDirty() && !inFlight) {
      save({ keepalive: true });
    }
  }

  if (statusElement) {
    statusElement.hidden = false; // shown (empty) now, so later text is announced politely
  }
  form.addEventListener("change", onChange);
  form.addEventListener("input", onInput);
  form.addEventListener("submit", function () {
    stopped = true;
    clearTimeout(timer);
  });
  window.addEventListener("online", retryNow);
  document.addEventListener("visibilitychange", flushBeforeLeaving);
})();
