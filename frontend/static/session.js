/* The session expiry warning: a notice a few minutes before the signed-in session lapses,
   with a button that pings the server to extend it. No inline script (CSP script-src 'self'). */
(function () {
  "use strict";
  var body = document.body;
  var notice = document.getElementById("session-warning");
  if (!notice || body.dataset.sessionLeft === undefined) { return; }
  var WARN_S = 300;
  var text = notice.querySelector(".session-warning-text");
  var button = notice.querySelector("button");
  var deadline = 0;
  var timer = null;

  function schedule(leftSeconds) {
    deadline = Date.now() + leftSeconds * 1000;
    notice.hidden = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(warn, Math.max(0, (leftSeconds - WARN_S) * 1000));
  }

  function warn() {
    var left = deadline - Date.now();
    if (left <= 0) {
      text.textContent = notice.dataset.expired;
      button.hidden = true;
    } else {
      var minutes = Math.max(1, Math.ceil(left / 60000));
      text.textContent = notice.dataset.warning.replace("{minutes}", String(minutes));
      button.hidden = false;
      timer = setTimeout(warn, Math.min(left, 30000));
    }
    notice.hidden = false;
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

  button.addEventListener("click", extend);
  document.addEventListener("ennakko:activity", function (event) {
    if (event.detail && typeof event.detail.expiresIn === "number") {
      schedule(event.detail.expiresIn);
    }
  });
  schedule(parseInt(body.dataset.sessionLeft, 10) || 0);
}());
