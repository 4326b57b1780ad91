/* Keeps a signed-in session alive while someone is filling in a form (a school's report can
   take a morning): when a form in <main> got input since the last ping, POST the keep-alive
   URL every data-keepalive-seconds; the server starts the session's expiry again from now.
   No input, no ping: a form left open on an unattended computer still expires.
   Included once from base.html:
   <script src="keepalive.js" data-keepalive-url="…" data-keepalive-seconds="300"
           data-csrf-token="…"></script> */
(function () {
  "use strict";
  var tag = document.querySelector("script[data-keepalive-url]");
  if (!tag || !window.fetch) { return; }
  var url = tag.getAttribute("data-keepalive-url");
  var seconds = parseInt(tag.getAttribute("data-keepalive-seconds"), 10) || 300;
  var token = tag.getAttribute("data-csrf-token") || "";
  var typed = false;

  function inForm(event) {
    var target = event.target;
    return target && target.closest && target.closest("main form");
  }
  ["input", "change"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (inForm(event)) { typed = true; }
    }, true);
  });

  window.setInterval(function () {
    if (!typed || !document.querySelector("main form")) { return; }
    typed = false;
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "keepalive" }
    }).then(function (response) {
      document.documentElement.setAttribute("data-keepalive", String(response.status));
    }).catch(function () { /* offline: the autosave shows its own message */ });
  }, seconds * 1000);
}());
