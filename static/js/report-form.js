/* The agency report form: keeps what is typed in the browser (localStorage) so that a dropped
   connection, a failed save or a closed tab loses nothing, and adds proposal rows. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var key = "binhson:" + form.dataset.autosaveKey;
  var savedVersion = parseInt(form.dataset.savedVersion, 10);
  var status = form.querySelector("[data-autosave-status]");
  var skip = { csrfmiddlewaretoken: 1, version: 1, action: 1 };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !skip[el.name] && el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }
  function values() {
    var data = {};
    fields().forEach(function (el) {
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    return data;
  }
  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(pending) {
    try {
      localStorage.setItem(key, JSON.stringify({ version: savedVersion, at: new Date().toISOString(),
                                                 pending: !!pending, values: values() }));
      if (status) status.textContent = "Trình duyệt đã giữ nội dung lúc " + new Date().toLocaleTimeString("vi-VN") + ".";
    } catch (e) { /* storage full or disabled: the server-side draft still works */ }
  }
  function differs(stored) {
    var now = values();
    return Object.keys(stored).some(function (name) { return name in now && String(now[name]) !== String(stored[name]); });
  }
  function ensureProposalRows(stored) {
    var total = form.querySelector("[name=proposal-TOTAL_FORMS]");
    while (total && stored["proposal-" + total.value + "-text"] !== undefined) addProposal();
  }
  function restore(saved) {
    ensureProposalRows(saved.values);
    fields().forEach(function (el) {
      if (!(el.name in saved.values)) return;
      if (el.type === "checkbox") el.checked = saved.values[el.name] === true;
      else el.value = saved.values[el.name];
    });
    var banner = document.getElementById("khoi-phuc");
    banner.querySelector("[data-restored-at]").textContent = new Date(saved.at).toLocaleString("vi-VN");
    banner.classList.remove("d-none");
    banner.querySelector("[data-discard]").addEventListener("click", function () {
      localStorage.removeItem(key);
      window.location.reload();
    });
  }

  var saved = read();
  if (saved && saved.pending && savedVersion > saved.version) {
    localStorage.removeItem(key);  // the save it was waiting for went through
  } else if (saved && differs(saved.values)) {
    restore(saved);
  } else if (saved) {
    localStorage.removeItem(key);
  }

  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(write, 400); });
  form.addEventListener("change", function () { write(false); });
  form.addEventListener("submit", function () { write(true); });

  function addProposal() {
    var total = form.querySelector("[name=proposal-TOTAL_FORMS]");
    var template = document.getElementById("kien-nghi-mau");
    var html = template.innerHTML.replace(/__prefix__/g, total.value);
    document.getElementById("kien-nghi").insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
  }
  var add = document.getElementById("them-kien-nghi");
  if (add) add.addEventListener("click", function () { addProposal(); write(false); });
})();
