/* Watch builds of the consolidated report change state without reloading the page. */
(function () {
  "use strict";
  function watch(row) {
    fetch(row.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        row.dataset.state = data.state;
        row.querySelector("[data-state-label]").textContent = data.label + (data.error ? ": " + data.error : "");
        if (data.state === "ready") {
          var cell = row.querySelector("[data-files]");
          cell.textContent = "";
          [["pdf", "PDF"], ["xlsx", "Excel"], ["docx", "Word"]].forEach(function (pair, index) {
            if (index) cell.appendChild(document.createTextNode(" · "));
            var link = document.createElement("a");
            link.href = data.files[pair[0]];
            link.textContent = pair[1];
            cell.appendChild(link);
          });
        }
        if (data.final_url && !row.querySelector("[data-final]")) {
          var token = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
          var form = document.createElement("form");
          form.method = "post";
          form.action = data.final_url;
          form.setAttribute("data-final", "");
          form.innerHTML = '<input type="hidden" name="csrfmiddlewaretoken"><button class="btn btn-sm btn-outline-success" type="submit">Đánh dấu chính thức</button>';
          form.querySelector("input").value = decodeURIComponent(token);
          var button = form.querySelector("button");  /* portal.js asks before it goes */
          button.dataset.confirmTitle = "Đánh dấu bản " + row.cells[0].firstChild.textContent.trim() + " là bản chính thức?";
          /* what this version holds and lacks (reports/consolidated/coverage.py), then what marking it does */
          button.dataset.confirm = (data.coverage ? data.coverage + " " : "") + row.closest("table").dataset.finalConfirm;
          row.lastElementChild.appendChild(form);
        }
        if (data.state === "queued" || data.state === "building") setTimeout(function () { watch(row); }, 2000);
        else busy();
      })
      .catch(function () { setTimeout(function () { watch(row); }, 5000); });
  }
  /* While a version is queued or building, a new build waits: its button is disabled and says why. */
  function busy() {
    var running = document.querySelectorAll("tr[data-state=queued], tr[data-state=building]").length;
    var button = document.querySelector("button[data-build]");
    var status = document.querySelector("#dung-ban-moi [data-busy-status]");
    if (!button || !status || button.form.dataset.sent) return;
    button.disabled = running > 0;
    status.hidden = running === 0;
    status.querySelector("[data-busy-text]").textContent = running ?
      "Đang có bản đang dựng; trang tự cập nhật khi xong, rồi mới dựng được bản mới." : "";
  }
  document.querySelectorAll("tr[data-status-url]").forEach(function (row) {
    if (row.dataset.state === "queued" || row.dataset.state === "building") watch(row);
  });
  var form = document.getElementById("dung-ban-moi");
  if (form) form.addEventListener("submit", function () { form.dataset.sent = "1"; });
  busy();
})();
