/* Behaviour every page may use, wired by data- attributes: the Content-Security-Policy refuses inline
   script and on…= handlers, so templates name what they want and this file does it.
   - <select data-submit-on-change>: choosing a value submits its form (year pickers);
   - <form data-year-url="/base/">: goes to /base/<year>/ instead of submitting a query string;
   - <button data-print>: prints the page;
   - <select data-milestone-year>: offers only the option group that fits the year chosen in its form;
   - <form data-logout>: before logging out, forgets the report drafts this browser kept (shared PCs), having
     asked first when there is one (typing not yet saved);
   - <table class="table-stack">: each cell gets its column's name (data-label), shown above it when a phone
     turns the rows into cards (portal.css);
   - <div class="table-responsive">: when the table inside is wider than the screen and scrolls sideways, the
     box can be reached and scrolled with the keyboard (a named region in the tab order);
   - <button data-confirm="what happens next" data-confirm-title="…?" data-confirm-ok="…" [data-confirm-class="btn …"]>:
     asks first, in a
     dialog that says what will happen, and goes ahead only on its own button (also for buttons added later);
   - [data-error-summary]: the list of errors of a failed save; focus goes to the first field in error, and each
     link takes focus to its field. Without such a list, focus goes to the first field marked invalid;
   - <textarea maxlength>: a counter under the box ("1.234/20.000 ký tự"), so the limit is seen while typing,
     not after saving; a pause in typing near the limit says "còn N ký tự" to screen readers (aria-live). The
     limit moves to data-maxlength: the browser would cut a longer paste without a word (browser pass 33: 8 800
     characters of a paste dropped, the counter saying "còn 1 ký tự"); the counter says "Thừa N ký tự" instead,
     and a save says so next to the field, keeping every character;
   - <form data-busy="text">: once sent, its submit button is disabled and the text says the work is under
     way, with the seconds it has taken (building the consolidated report takes a while, even in-process);
   - <details> holding <a data-history="URL">: when opened, the panel is fetched from URL and put in its place (the
     report's history, read only when someone looks); without script, or if the fetch fails, the link opens it;
   - <input type="file" data-max-bytes="N">: a file over N bytes is refused when chosen, with a message next to
     the field, and the choice is cleared: sent, it would be refused by the server, or the whole page (and what
     was typed) by the proxy's limit on a request. */
(function () {
  "use strict";
  var DRAFT_PREFIX = "binhson:";  /* report-form.js keeps drafts as binhson:<user id>:bao-cao-<id> */

  function draftKeys() {
    try {
      return Object.keys(localStorage).filter(function (key) { return key.indexOf(DRAFT_PREFIX) === 0; });
    } catch (e) { return []; }  /* storage disabled: nothing was kept */
  }
  function forgetDrafts() {
    draftKeys().forEach(function (key) { localStorage.removeItem(key); });
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
  /* <select data-milestone-year="2025"> in a form with a year select: only the statuses of the year chosen are
     offered (its first group from the milestone's year on, its second before it); the server checks it too. */
  document.querySelectorAll("select[data-milestone-year]").forEach(function (status) {
    var year = status.form && status.form.elements.year;
    var groups = status.querySelectorAll("optgroup");
    if (!year || groups.length !== 2) return;
    function offer() {
      var passed = Number(year.value) >= Number(status.dataset.milestoneYear);
      groups[0].hidden = groups[0].disabled = !passed;
      groups[1].hidden = groups[1].disabled = passed;
      var chosen = status.options[status.selectedIndex];
      if (chosen && chosen.parentNode.disabled) status.value = "";
    }
    year.addEventListener("change", offer);
    offer();
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  /* The report's page after it was sent (read only, no form): the draft its sending carried went through, so it is
     forgotten here (report-form.js does so on the form; signing out would otherwise ask about typing already sent). */
  document.querySelectorAll("[data-draft-saved]").forEach(function (marker) {
    try {
      var key = DRAFT_PREFIX + marker.dataset.draftSaved;
      var draft = JSON.parse(localStorage.getItem(key) || "null");
      if (draft && draft.pending && parseInt(marker.dataset.savedVersion, 10) > draft.version) localStorage.removeItem(key);
    } catch (e) { /* storage disabled or a draft unreadable: nothing to forget */ }
  });
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", forgetDrafts);
    var button = form.querySelector("button[type=submit]");
    /* typing not yet saved is asked about first (browser pass 39: it went without a word); before the dialog's
       own click handler below, which then asks */
    if (button) button.addEventListener("click", function () {
      if (draftKeys().length && !button.dataset.confirmed) {
        button.dataset.confirm = "Nội dung đã gõ trong báo cáo mà chưa lưu (trình duyệt đang giữ trên máy này) sẽ " +
          "bị xóa khi đăng xuất. Chọn “Quay lại” rồi lưu báo cáo trước, hoặc đăng xuất và bỏ nội dung đó.";
        button.dataset.confirmTitle = "Đăng xuất và bỏ nội dung chưa lưu?";
        button.dataset.confirmOk = "Đăng xuất, bỏ nội dung chưa lưu";
        button.dataset.confirmClass = "btn btn-danger";
      } else if (!button.dataset.confirmed) {
        delete button.dataset.confirm;
      }
    });
  });

  function stackTables(root) {  /* also for a table fetched later: the report's history (browser pass 37) */
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          cell.setAttribute("data-label", span > 1 ? "" : names[column] || "");
          if (!cell.textContent.trim() && !cell.querySelector("img, svg, input, button")) cell.classList.add("stack-empty");
          column += span;
        });
      });
    });
  }
  stackTables(document);

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

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.querySelector) return;
    var link = details.querySelector("a[data-history]");
    if (!link || link.hasAttribute("data-loading")) return;
    link.setAttribute("data-loading", "");
    var words = link.textContent;
    link.textContent = "Đang tải lịch sử thay đổi…";
    fetch(link.getAttribute("data-history"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        details.insertAdjacentHTML("afterend", html);
        var panel = details.nextElementSibling;
        details.remove();
        if (panel) stackTables(panel);
        var summary = panel && panel.querySelector("summary");
        if (summary) summary.focus();
        scrollBoxes();
      })
      .catch(function () {  /* the link stays: it opens the report page with its history */
        link.removeAttribute("data-loading");
        link.textContent = words;
      });
  }, true);

  var resizing = null;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(scrollBoxes, 150); });
  document.addEventListener("toggle", scrollBoxes, true);  /* a table in a <details> has no width until opened */

  function confirmDialog() {
    var dialog = document.getElementById("xac-nhan");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "xac-nhan";
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "xac-nhan-tieu-de");
    dialog.setAttribute("aria-describedby", "xac-nhan-noi-dung");
    dialog.innerHTML = '<h2 class="h5" id="xac-nhan-tieu-de"></h2><p id="xac-nhan-noi-dung"></p>' +
      '<div class="d-flex flex-wrap gap-2 justify-content-end">' +
      '<button type="button" class="btn btn-outline-secondary" data-confirm-cancel>Quay lại</button>' +
      '<button type="button" class="btn btn-primary" data-confirm-ok></button></div>';
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () { dialog.close(); });
    document.body.appendChild(dialog);
    return dialog;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
    if (!button || !button.form) return;
    if (button.dataset.confirmed) { delete button.dataset.confirmed; return; }
    event.preventDefault();
    var dialog = confirmDialog();
    dialog.querySelector("#xac-nhan-tieu-de").textContent = button.dataset.confirmTitle || button.textContent.trim() + "?";
    dialog.querySelector("#xac-nhan-noi-dung").textContent = button.dataset.confirm;
    var ok = dialog.querySelector("[data-confirm-ok]");
    var fresh = ok.cloneNode(false);  /* drops the previous button's listener */
    fresh.textContent = button.dataset.confirmOk || button.textContent.trim();
    fresh.className = button.dataset.confirmClass ||  /* a link-like button says how its dialog's button looks */
      button.className.replace(/\bbtn-outline-/, "btn-").replace(/\bbtn-sm\b/, "");
    ok.parentNode.replaceChild(fresh, ok);
    fresh.addEventListener("click", function () {
      dialog.close();
      button.dataset.confirmed = "1";
      button.click();  /* the form goes with this button's name and value, as a plain click would */
    });
    dialog.showModal();
  });

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    var details = field.closest("details");
    if (details) details.open = true;
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    return true;
  }
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.querySelectorAll("a[data-error-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (focusField(link.hash.slice(1))) event.preventDefault();
      });
    });
    var first = summary.querySelector("a[data-error-link]");
    if (first) focusField(first.hash.slice(1));
  } else {
    var invalid = document.querySelector("main form .is-invalid");
    if (invalid && invalid.id) focusField(invalid.id);
  }

  /* The browser's own message for an empty required field is in the browser's language (an English Chromium says
     "Please fill out this field."): the portal says it in Vietnamese, and forgets it once the field is changed. */
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    if (!field.validity || !field.validity.valueMissing) return;
    field.setCustomValidity(field.type === "checkbox" ? "Xin đánh dấu vào ô này."
      : field.tagName === "SELECT" ? "Xin chọn một mục trong danh sách." : "Xin điền vào ô này.");
  }, true);
  ["input", "change"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (event.target.setCustomValidity) event.target.setCustomValidity("");
    }, true);
  });

  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector("[data-busy-status]");
      var started = Date.now();
      setTimeout(function () {  /* after the form has gone: a disabled button would not be sent */
        if (button) { button.disabled = true; button.setAttribute("aria-disabled", "true"); }
        if (!status) return;
        status.hidden = false;
        var tick = function () {
          status.querySelector("[data-busy-text]").textContent =
            form.dataset.busy + " (" + Math.round((Date.now() - started) / 1000) + " giây)";
        };
        tick();
        setInterval(tick, 1000);
      }, 0);
    });
  });

  function grouped(number) { return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function charCounter(area) {
    var counter = document.getElementById(area.id + "-dem-ky-tu");
    if (counter) return counter;
    counter = document.createElement("div");
    counter.id = area.id + "-dem-ky-tu";
    counter.className = "form-text char-count";
    counter.innerHTML = '<span data-count></span><span class="visually-hidden" aria-live="polite" data-said></span>';
    area.insertAdjacentElement("afterend", counter);
    area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    return counter;
  }
  var LIMITED = "textarea[maxlength], textarea[data-maxlength]";
  function countChars(area, speak) {
    if (area.hasAttribute("maxlength")) {
      area.setAttribute("data-maxlength", area.getAttribute("maxlength"));
      area.removeAttribute("maxlength");
    }
    var limit = parseInt(area.getAttribute("data-maxlength"), 10);
    if (!area.id || !(limit > 0)) return;
    var counter = charCounter(area);
    /* counted as the server counts a saved text: without its leading and trailing spaces and line breaks */
    var used = area.value.trim().length, left = Math.max(limit - used, 0), near = left <= limit / 10;
    counter.querySelector("[data-count]").textContent = used > limit  /* a text saved before, or refused */
      ? "Thừa " + grouped(used - limit) + " ký tự (tối đa " + grouped(limit) + ")"
      : near ? "Còn " + grouped(left) + " ký tự (tối đa " + grouped(limit) + ")"
      : grouped(used) + "/" + grouped(limit) + " ký tự";
    counter.classList.toggle("text-danger-emphasis", near);
    counter.querySelector("[data-said]").textContent = speak && near ? "Còn " + grouped(left) + " ký tự" : "";
  }
  document.querySelectorAll(LIMITED).forEach(function (area) { countChars(area, false); });
  document.addEventListener("focusin", function (event) {  /* a proposal row added by its button */
    if (event.target.matches && event.target.matches(LIMITED)) countChars(event.target, false);
  });
  var pause = null;
  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches(LIMITED)) return;
    countChars(area, false);
    clearTimeout(pause);
    pause = setTimeout(function () { countChars(area, true); }, 1000);
  });

  /* A file over the field's data-max-bytes, worded as the server words it (targets.templatetags.plan_format.
     too_large). Listened to in the capture phase, so the choice is cleared before the file name is shown. */
  function vnInteger(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function megabytes(n) { return String(Math.round(n / 104857.6) / 10).replace(".", ","); }
  function tooLarge(size, limit) {
    return (megabytes(size) === megabytes(limit) ? "nặng hơn " : "nặng ") + megabytes(size) + " MB (" +
      vnInteger(size) + " byte), quá giới hạn " + megabytes(limit) + " MB (" + vnInteger(limit) + " byte)";
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var limit = Number(input.dataset.maxBytes);
    var big = Array.prototype.filter.call(input.files || [], function (f) { return f.size > limit; })[0];
    if (!input.id) input.id = "tep-gioi-han-" + Math.random().toString(36).slice(2);
    var box = document.getElementById(input.id + "-qua-lon");
    if (!big) {
      if (!box) return;
      box.remove();
      input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "").replace(box.id, "").trim());
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = input.id + "-qua-lon";
      box.className = "invalid-feedback d-block";
      box.setAttribute("role", "alert");
      var after = document.getElementById(input.id + "-ten-tep") || input;
      after.insertAdjacentElement("afterend", box);
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + box.id).trim());
    }
    box.textContent = "Tệp “" + big.name + "” " + tooLarge(big.size, limit) +
      ": chưa gửi lên. Hãy chọn tệp nhỏ hơn.";
    input.value = "";
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
  }, true);

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
