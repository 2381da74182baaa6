/* The province's summaries page (/tinh/tong-hop/): while a version is queued or building, the list of versions is
   read again every few seconds and put in place, so its state and its files show without reloading the page (what
   the user is typing in the form below stays as it is). */
(function () {
  "use strict";
  var section = document.getElementById("cac-ban-tong-hop");
  if (!section) return;
  function underway() { return section.querySelector("[data-underway]") !== null; }
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("cac-ban-tong-hop");
        if (fresh) section.innerHTML = fresh.innerHTML;
        if (underway()) setTimeout(refresh, 3000);
      })
      .catch(function () { setTimeout(refresh, 5000); });
  }
  if (underway()) setTimeout(refresh, 3000);
})();
