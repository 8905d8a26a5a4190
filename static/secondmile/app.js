// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Focus the first field with an error, so keyboard and screen-reader users land on it.
  function focusFirstError() {
    var field = document.querySelector(".field--error input, .field--error select, .field--error textarea");
    if (field) { field.focus(); }
  }

  // Show the three questions only when the act needs an approver: a cost above the
  // person's own limit (data-own-limit; without it, any cost).
  function toggleQuestions() {
    var cost = document.getElementById("id_cost");
    var questions = document.getElementById("three-questions");
    if (!cost || !questions) { return; }
    var limit = parseFloat(questions.dataset.ownLimit || "0");
    var update = function () {
      var value = parseFloat(cost.value);
      questions.hidden = !(value > limit) && !questions.querySelector(".field--error");
    };
    cost.addEventListener("input", update);
    update();
  }

  // Copy buttons: data-copy names the id of the input whose value is copied.
  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copy);
        if (!input) { return; }
        input.select();
        if (navigator.clipboard) { navigator.clipboard.writeText(input.value); }
        button.textContent = "Copied";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    toggleQuestions();
    copyButtons();
  });
})();
