// Autosave feedback for the report form. htmx swaps 401 (session expired: input stashed on
// the server), 409 (someone else saved) and 413 (too large to read: nothing saved) into the
// status line instead of dropping them. Every swap targets #save-status only: the textareas
// keep what was typed whatever the server answers.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "40[19]", swap: true, error: false },
  { code: "413", swap: true, error: false },
  { code: "422", swap: true, error: false },
  { code: "[45]..", swap: false, error: true },
];
document.addEventListener("htmx:sendError", function () {
  var status = document.getElementById("save-status");
  if (status) status.innerHTML = '<span class="text-danger">网络中断，未能保存；恢复后会在您下次输入时自动保存。</span>';
});
document.addEventListener("htmx:responseError", function (event) {
  var status = document.getElementById("save-status");
  if (!status) return;
  if (event.detail.xhr && event.detail.xhr.status === 400) {
    status.innerHTML = '<span class="text-danger">未保存：提交的内容无法识别。页面上的内容仍在，请先复制保存，再刷新页面重试。</span>';
  } else {
    status.innerHTML = '<span class="text-danger">保存失败（服务器繁忙），请稍后再试，页面上的内容仍在。</span>';
  }
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
