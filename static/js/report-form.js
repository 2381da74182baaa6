/* The agency report form: keeps what this person typed in the browser (localStorage) so that a
   dropped connection, a failed save or a closed tab loses nothing, and adds proposal rows.
   Only the fields the person changed are kept, so restoring never overwrites what a colleague
   saved meanwhile in other fields. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var key = "binhson:" + form.dataset.autosaveKey;
  var savedVersion = parseInt(form.dataset.savedVersion, 10);
  var status = form.querySelector("[data-autosave-status]");

  /* A time as the portal writes it, in the portal's time zone: 07:10 06/12/2026 (clock only: 07:10). */
  function moment(date, clockOnly) {
    var part = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", hourCycle: "h23", year: "numeric",
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" }).formatToParts(date)
      .forEach(function (p) { part[p.type] = p.value; });
    var clock = part.hour + ":" + part.minute;
    return clockOnly ? clock : clock + " " + part.day + "/" + part.month + "/" + part.year;
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }
  function valueOf(el) { return el.type === "checkbox" ? el.checked : el.value; }
  var initial = {};
  fields().forEach(function (el) { initial[el.name] = valueOf(el); });

  function changes() {
    var changed = {};
    fields().forEach(function (el) {
      if (String(valueOf(el)) !== String(initial[el.name])) changed[el.name] = valueOf(el);
    });
    return changed;
  }
  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  var submitting = false;
  function write(pending) {
    pending = pending || submitting;  // a late keystroke timer must not unmark the draft a save is carrying
    var changed = changes();
    try {
      if (!Object.keys(changed).length) { localStorage.removeItem(key); return; }
      localStorage.setItem(key, JSON.stringify({ version: savedVersion, at: new Date().toISOString(),
                                                 pending: !!pending, values: changed }));
      if (status) status.textContent = "Trình duyệt đã giữ nội dung lúc " + moment(new Date(), true) + ".";
    } catch (e) { /* storage full or disabled: saving the draft still works */ }
  }
  function addProposal() {
    var total = form.querySelector("[name=proposal-TOTAL_FORMS]");
    var html = document.getElementById("kien-nghi-mau").innerHTML.replace(/__prefix__/g, total.value);
    document.getElementById("kien-nghi").insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
  }
  function restore(saved) {
    var total = form.querySelector("[name=proposal-TOTAL_FORMS]");
    while (total && saved.values["proposal-" + total.value + "-text"] !== undefined) addProposal();
    var restored = 0;
    fields().forEach(function (el) {
      if (!(el.name in saved.values) || String(valueOf(el)) === String(saved.values[el.name])) return;
      if (el.type === "checkbox") el.checked = saved.values[el.name] === true;
      else el.value = saved.values[el.name];
      restored += 1;
    });
    if (!restored) return;
    var banner = document.getElementById("khoi-phuc");
    banner.querySelector("[data-restored-at]").textContent = moment(new Date(saved.at));
    banner.classList.remove("d-none");
    banner.querySelector("[data-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      window.location.reload();
    });
  }

  var saved = read();
  if (saved && saved.pending && savedVersion > saved.version) {
    localStorage.removeItem(key);  // the save it was waiting for went through
  } else if (saved && saved.values) {
    restore(saved);
  }

  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(write, 400); });
  form.addEventListener("change", function () { write(false); });
  form.addEventListener("submit", function () { clearTimeout(timer); submitting = true; write(true); });
  var add = document.getElementById("them-kien-nghi");
  if (add) add.addEventListener("click", function () {
    addProposal();
    write(false);
    // typing goes into the new box: a space on the button still focused added another empty one (browser pass 36)
    var boxes = document.getElementById("kien-nghi").querySelectorAll("textarea");
    if (boxes.length) boxes[boxes.length - 1].focus();
  });
})();
