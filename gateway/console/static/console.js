// SPDX-License-Identifier: Apache-2.0 — the console's only script: live refresh of
// the parts marked data-refresh="<seconds>", paused while the user works inside them.
(function () {
  "use strict";
  document.querySelectorAll("[data-refresh]").forEach(function (part, index) {
    var seconds = Math.max(10, parseInt(part.getAttribute("data-refresh"), 10) || 30);
    window.setInterval(function () {
      if (document.hidden || part.contains(document.activeElement)) { return; }
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html")
            .querySelectorAll("[data-refresh]")[index];
          if (fresh) { part.innerHTML = fresh.innerHTML; }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    }, seconds * 1000);
  });
})();
