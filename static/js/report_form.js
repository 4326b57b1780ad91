// Autosave feedback for the report form. htmx swaps 401 (session expired: input stashed on
// the server) and 409 (someone else saved) into the status line instead of dropping them.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "40[19]", swap: true, error: false },
  { code: "422", swap: true, error: false },
  { code: "[45]..", swap: false, error: true },
];
document.addEventListener("htmx:sendError", function () {
  var status = document.getElementById("save-status");
  if (status) status.innerHTML = '<span class="text-danger">网络中断，未能保存；恢复后会在您下次输入时自动保存。</span>';
});
document.addEventListener("htmx:responseError", function () {
  var status = document.getElementById("save-status");
  if (status) status.innerHTML = '<span class="text-danger">保存失败（服务器繁忙），请稍后再试，页面上的内容仍在。</span>';
});
document.addEventListener("htmx:beforeRequest", function (event) {
  var status = document.getElementById("save-status");
  if (status && event.detail.elt.id === "report-form") status.innerHTML = '<span class="text-muted">正在保存…</span>';
});
// A submit while an autosave is in flight would carry the old revision and be refused as a
// conflict with oneself: hold the buttons until the save has answered.
document.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.elt.id !== "report-form") return;
  event.detail.elt.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
});
document.addEventListener("htmx:afterRequest", function (event) {
  if (event.detail.elt.id !== "report-form") return;
  event.detail.elt.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
});
