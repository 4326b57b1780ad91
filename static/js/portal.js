/* Behaviour shared by every page, kept out of the HTML: the Content-Security-Policy allows no
   inline script, no on…= handler and no style="" attribute.
   - data-width="42" (per cent) and data-height="300" (px) size progress bars and chart boxes;
     set through the CSSOM, which the policy allows. Applied now and to every htmx swap.
   - data-autosubmit on a <select>: choosing an option submits its form.
   - data-confirm="…" on a <form>: ask before submitting.
   - data-adopt-revision="7" on a button: keep my text after an edit conflict (the report
     form takes the other save's revision and saves again). */
(function () {
  "use strict";
  function size(root) {
    if (!root || !root.querySelectorAll) { return; }
    var nodes = Array.prototype.slice.call(root.querySelectorAll("[data-width], [data-height]"));
    if (root.matches && root.matches("[data-width], [data-height]")) { nodes.push(root); }
    nodes.forEach(function (el) {
      var width = el.getAttribute("data-width");
      var height = el.getAttribute("data-height");
      if (width !== null && width !== "") { el.style.width = width + "%"; }
      if (height !== null && height !== "") { el.style.height = height + "px"; }
    });
  }
  size(document);
  if (typeof htmx !== "undefined") { htmx.onLoad(size); }

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-adopt-revision]") : null;
    if (!button) { return; }
    var revision = document.getElementById("revision");
    if (revision) { revision.value = button.getAttribute("data-adopt-revision"); }
    if (typeof htmx !== "undefined") { htmx.trigger("#report-form", "change"); }
  });
})();
