// The API's docs page (/api/docs): Swagger UI draws two controls without a name a screen
// reader can say, the copy buttons of a request or response and the request body's box,
// each time an operation is tried out. This names them as they appear.
(function () {
  "use strict";

  var NAMES = [
    [".copy-to-clipboard button", "Copy to clipboard"],
    ["textarea.body-param__text", "Request body"],
  ];

  function nameControls(root) {
    NAMES.forEach(function (pair) {
      root.querySelectorAll(pair[0] + ":not([aria-label])").forEach(function (control) {
        control.setAttribute("aria-label", pair[1]);
      });
    });
  }

  var docs = document.getElementById("swagger-ui");
  new MutationObserver(function () { nameControls(docs); }).observe(docs, { childList: true, subtree: true });
})();
