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

  // The new customer's fields only while no customer is picked (or they hold something).
  function newCustomerFields() {
    var fields = document.getElementById("new-customer");
    var results = document.getElementById("id_customer_results");
    if (!fields || !results) { return; }
    var update = function () {
      var picked = results.querySelector("input[name=customer]:checked");
      var typed = Array.prototype.some.call(fields.querySelectorAll("input"), function (input) { return input.value; });
      fields.hidden = Boolean(picked) && !typed && !fields.querySelector(".field--error");
    };
    results.addEventListener("change", update);
    document.body.addEventListener("htmx:afterSwap", update);
    update();
  }

  // A recovery usually goes beyond the response to a problem: the expectation follows the
  // trigger until the person picks one.
  function quadrantFollowsTrigger() {
    var chosen = false;
    document.querySelectorAll("input[name=quadrant]").forEach(function (radio) {
      radio.addEventListener("change", function () { chosen = true; });
    });
    document.querySelectorAll("input[name=trigger]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (chosen || !radio.checked) { return; }
        var usual = document.querySelector("input[name=quadrant][value=" + (radio.value === "reactive" ? "response" : "delivery") + "]");
        if (usual) { usual.checked = true; }
      });
    });
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

  // Beside a date picker, the chosen day as the app writes it ("Tue 1 Dec 2026"), whatever
  // order the browser shows the digits in (core/days.py writes the first one).
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function dayEchoes() {
    document.querySelectorAll("[data-day-echo]").forEach(function (echo) {
      var input = document.getElementById(echo.dataset.dayEcho);
      if (!input) { return; }
      var update = function () {
        var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
        if (!parts) { echo.textContent = ""; return; }
        var day = new Date(Date.UTC(+parts[1], +parts[2] - 1, +parts[3]));
        echo.textContent = WEEKDAYS[day.getUTCDay()] + " " + day.getUTCDate() + " " + MONTHS[day.getUTCMonth()] + " " + day.getUTCFullYear();
      };
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError();
    toggleQuestions();
    newCustomerFields();
    quadrantFollowsTrigger();
    copyButtons();
    dayEchoes();
  });
})();
