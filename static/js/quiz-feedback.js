// Practice quizzes: show a question's feedback and explanation as soon as it is answered.
// Progressive enhancement only: without JavaScript each question's "Check this answer" button posts the
// form and the server sends the page back with that explanation (quizzes/feedback.py). Everything shown
// here is already in the page, hidden: nothing is sent and nothing is scored.
(function () {
  "use strict";

  function chosen(fieldset) {
    var ids = [];
    fieldset.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
      if (input.checked) {
        ids.push(input.value);
      }
    });
    return ids;
  }

  function reveal(fieldset) {
    var body = fieldset.querySelector("[data-feedback]");
    var ids = chosen(fieldset);
    if (!body || ids.length === 0) {
      return false;
    }
    var correct = body.getAttribute("data-correct").split(" ").filter(Boolean).sort();
    var right = ids.slice().sort().join(" ") === correct.join(" ");
    var verdict = body.querySelector(".feedback__verdict");
    verdict.textContent = verdict.getAttribute(right ? "data-right" : "data-wrong");
    body.querySelectorAll("[data-choice]").forEach(function (item) {
      item.hidden = ids.indexOf(item.getAttribute("data-choice")) === -1;
    });
    body.hidden = false;
    return true;
  }

  document.querySelectorAll("form.quiz-form fieldset").forEach(function (fieldset) {
    if (!fieldset.querySelector("[data-feedback]")) {
      return;
    }
    // One answer (radio): answered when chosen. Several (checkboxes): the student says when, with the button.
    // Once shown, the feedback follows every change of answer.
    var body = fieldset.querySelector("[data-feedback]");
    fieldset.addEventListener("change", function (event) {
      if (event.target.type === "radio" || !body.hidden) {
        reveal(fieldset);
      }
    });
    // Answered before this script ran (a quick tap while the page was still loading, or the browser restoring the
    // form on Back): show it now, as the change would have.
    if (fieldset.querySelector("input[type=radio]:checked")) {
      reveal(fieldset);
    }
    var button = fieldset.querySelector("button[name=check]");
    if (button) {
      button.addEventListener("click", function (event) {
        // Nothing chosen yet: let the form go, and the server says what to do.
        if (reveal(fieldset)) {
          event.preventDefault();
        }
      });
    }
  });
})();
