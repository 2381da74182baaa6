/* Behaviour every page may use, wired by data- attributes: the Content-Security-Policy refuses inline
   script and on…= handlers, so templates name what they want and this file does it.
   - <select data-submit-on-change>: choosing a value submits its form (year pickers);
   - <form data-year-url="/base/">: goes to /base/<year>/ instead of submitting a query string;
   - <button data-print>: prints the page;
   - <form data-logout>: before logging out, forgets the report drafts this browser kept (shared PCs). */
(function () {
  "use strict";
  var DRAFT_PREFIX = "binhson:";  /* report-form.js keeps drafts as binhson:<user id>:bao-cao-<id> */

  function forgetDrafts() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i -= 1) {
        var key = localStorage.key(i);
        if (key && key.indexOf(DRAFT_PREFIX) === 0) localStorage.removeItem(key);
      }
    } catch (e) { /* storage disabled: nothing was kept */ }
  }

  function goToYear(form) {
    window.location.href = form.dataset.yearUrl + encodeURIComponent(form.elements.year.value) + "/";
  }

  document.querySelectorAll("form[data-year-url]").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); goToYear(form); });
  });
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form.dataset.yearUrl) goToYear(select.form);
      else select.form.submit();
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", forgetDrafts);
  });
})();
