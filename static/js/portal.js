/* Behaviour every page may use, wired by data- attributes: the Content-Security-Policy refuses inline
   script and on…= handlers, so templates name what they want and this file does it.
   - <select data-submit-on-change>: choosing a value submits its form (year pickers);
   - <form data-year-url="/base/">: goes to /base/<year>/ instead of submitting a query string;
   - <button data-print>: prints the page;
   - <form data-logout>: before logging out, forgets the report drafts this browser kept (shared PCs);
   - <table class="table-stack">: each cell gets its column's name (data-label), shown above it when a phone
     turns the rows into cards (portal.css);
   - <div class="table-responsive">: when the table inside is wider than the screen and scrolls sideways, the
     box can be reached and scrolled with the keyboard (a named region in the tab order). */
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

  document.querySelectorAll("table.table-stack").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var span = cell.colSpan || 1;
        cell.setAttribute("data-label", span > 1 ? "" : names[column] || "");
        column += span;
      });
    });
  });

  function scrollBoxes() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (box.hasAttribute("tabindex")) return;
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent.trim() + " – " : "") + "bảng cuộn ngang");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  scrollBoxes();
  var resizing = null;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(scrollBoxes, 150); });
  document.addEventListener("toggle", scrollBoxes, true);  /* a table in a <details> has no width until opened */

  /* File inputs: the browser words its button and "no file" text in its own language (often English); the
     input stays in the tab order (hidden from sight) and a Vietnamese button and file name stand for it. */
  document.querySelectorAll("input[type=file]").forEach(function (input, index) {
    if (!input.id) input.id = "tep-" + index;
    var button = document.createElement("label");
    button.htmlFor = input.id;
    button.className = "btn btn-outline-secondary btn-sm file-picker-button";
    button.textContent = input.multiple ? "Chọn các tệp…" : "Chọn tệp…";
    var name = document.createElement("span");
    name.className = "file-picker-name small ms-2";
    name.id = input.id + "-ten-tep";
    function show() {
      var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      name.textContent = files.length ? "Đã chọn: " + files.join(", ") : "Chưa chọn tệp nào";
    }
    show();
    input.classList.add("file-picker-input");
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + name.id).trim());
    input.insertAdjacentElement("afterend", name);
    input.insertAdjacentElement("afterend", button);
    input.addEventListener("change", show);
  });
})();
