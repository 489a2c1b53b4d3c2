// wirewatch console: live inbox updates by polling; no framework, no third-party code.
// The server renders (and escapes) the rows; this only asks for alerts newer than the newest shown.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var rows = document.getElementById("alert-rows");
  if (!live || !rows || live.hidden) { return; }
  var newest = parseInt(live.dataset.newest || "0", 10);
  var query = live.dataset.query || "";
  var every = 5000;

  function poll() {
    var url = "/alerts/rows?after_id=" + newest + (query ? "&" + query : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status === 401) { live.textContent = "Logged out: reload to log in again."; return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        newest = Math.max(newest, parseInt(response.headers.get("x-newest-id") || "0", 10));
        var count = parseInt(response.headers.get("x-new-count") || "0", 10);
        return response.text().then(function (html) {
          if (count > 0) {
            rows.insertAdjacentHTML("afterbegin", html);
            Array.prototype.slice.call(rows.querySelectorAll("tr"), 0, count).forEach(function (tr) {
              tr.classList.add("fresh");
            });
            live.textContent = count + " new alert(s) at " + new Date().toLocaleTimeString() + ".";
          }
          setTimeout(poll, every);
        });
      })
      .catch(function () { live.textContent = "Live updates paused: the console did not answer."; setTimeout(poll, 4 * every); });
  }
  setTimeout(poll, every);
})();
