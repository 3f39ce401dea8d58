/* The session expiry warning: a notice a few minutes before the signed-in session lapses,
   with a button that pings the server to extend it. No inline script (CSP script-src 'self').
   The notice is written into a live region present from the start (aria-live polite). */
(function () {
  "use strict";
  var body = document.body;
  var region = document.getElementById("session-warning");
  if (!region || body.dataset.sessionLeft === undefined || !window.fetch) { return; }
  var WARN_S = 300;
  var deadline = 0;
  var timer = null;

  function clear() {
    while (region.firstChild) { region.removeChild(region.firstChild); }
  }

  function show(message, withButton) {
    clear();
    var line = document.createElement("p");
    line.className = "wrap";
    line.appendChild(document.createTextNode(message + " "));
    if (withButton) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = region.dataset.continue;
      button.addEventListener("click", extend);
      line.appendChild(button);
    }
    region.appendChild(line);
  }

  function schedule(leftSeconds) {
    deadline = Date.now() + leftSeconds * 1000;
    clear();
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(warn, Math.max(0, (leftSeconds - WARN_S) * 1000));
  }

  function warn() {
    var left = deadline - Date.now();
    if (left <= 0) {
      show(region.dataset.expired, false);
      return;
    }
    var minutes = Math.max(1, Math.ceil(left / 60000));
    var text = region.dataset.warning.replace("{minutes}", String(minutes));
    var current = region.querySelector("p");
    if (!current || current.firstChild.nodeValue !== text + " ") { show(text, true); }
    timer = setTimeout(warn, Math.min(left, 30000));
  }

  function extend() {
    fetch("/session/extend", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": body.dataset.csrf || "", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("expired"); }
      return response.json();
    }).then(function (data) {
      schedule(data.expires_in);
    }).catch(function () {
      deadline = 0;
      warn();
    });
  }

  document.addEventListener("ennakko:activity", function (event) {
    if (event.detail && typeof event.detail.expiresIn === "number") {
      schedule(event.detail.expiresIn);
    }
  });
  schedule(parseInt(body.dataset.sessionLeft, 10) || 0);
}());
