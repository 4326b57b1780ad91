// The school's report form (reports/submission): autosave feedback, one-click submit, the
// error summary and self-check links, and nothing typed lost (localStorage + a leave-page
// warning). No inline script: the CSP allows none; the page talks to this file through ids
// and data- attributes.
//
// Autosave feedback: htmx swaps 401 (session expired: input stashed on the server), 409
// (someone else saved) and 413 (too large to read: nothing saved) into the status line
// instead of dropping them. Every swap targets #save-status only: the textareas keep what
// was typed whatever the server answers.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "40[19]", swap: true, error: false },
  { code: "413", swap: true, error: false },
  { code: "422", swap: true, error: false },
  { code: "[45]..", swap: false, error: true },
];

(function () {
  "use strict";
  var form = document.getElementById("report-form");

  function status(html) {
    var el = document.getElementById("save-status");
    if (el) { el.innerHTML = html; }
  }

  document.addEventListener("htmx:sendError", function () {
    status('<span class="text-danger">网络中断，未能保存；内容已保存在本机，恢复后会在您下次输入时自动保存。</span>');
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 400) {
      status('<span class="text-danger">未保存：提交的内容无法识别。页面上的内容仍在，请先复制保存，再刷新页面重试。</span>');
    } else {
      status('<span class="text-danger">保存失败（服务器繁忙），请稍后再试，页面上的内容仍在。</span>');
    }
  });

  // --- Jumping to a field from the error summary or the self-check -----------------------
  // A link names a field (#id_…); a self-check link also names the passage (data-start,
  // data-end, characters of the field's text), which is selected so the school sees it.
  function jump(link) {
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return false; }
    var label = document.querySelector('label[for="' + target.id + '"]') || target;
    label.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    var start = link.getAttribute("data-start");
    if (start !== null && target.setSelectionRange) {
      var end = parseInt(link.getAttribute("data-end"), 10);
      target.setSelectionRange(parseInt(start, 10), end);
      // bring the selected line into the textarea's own view
      var before = target.value.slice(0, parseInt(start, 10)).split("\n").length - 1;
      var lineHeight = parseFloat(window.getComputedStyle(target).lineHeight) || 20;
      target.scrollTop = Math.max(0, before * lineHeight - target.clientHeight / 3);
    }
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-jump]") : null;
    if (link && jump(link)) { event.preventDefault(); }
  });
  var focusFirst = document.querySelector("[data-focus-on-load]");
  if (focusFirst) {
    focusFirst.scrollIntoView({ block: "start" });
    focusFirst.focus({ preventScroll: true });
  }

  if (!form) { return; }

  // --- What the form holds ----------------------------------------------------------------
  function fields() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "revision" || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; } else if (!(el.name in values)) { values[el.name] = ""; }
        return;
      }
      values[el.name] = el.value;
    });
    return values;
  }
  function same(a, b) {
    var keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) { return false; }
    return keys.every(function (k) { return a[k] === b[k]; });
  }
  function apply(values) {
    Object.keys(values).forEach(function (name) {
      var nodes = form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]');
      Array.prototype.forEach.call(nodes, function (el) {
        if (el.type === "radio") { el.checked = el.value === values[name]; } else { el.value = values[name]; }
      });
    });
  }
  function revision() {
    var el = document.getElementById("revision");
    return el ? el.value : "";
  }

  // --- Nothing typed is lost: localStorage, keyed by report, holding the revision the edits
  // were made on. Written on every keystroke, removed once the server holds the same text.
  // On load: an entry made on the revision the page shows, whose text differs, is restored
  // (with a notice and a way back); an entry made on an older revision is kept aside only
  // while the server still shows that revision (someone else's save wins, as on the server).
  var key = form.getAttribute("data-draft-key");
  var loaded = fields();
  var saved = loaded;      // what the server is known to hold
  var inFlight = null;     // what the pending autosave sent
  var submitting = false;
  function store() {
    try {
      var now = fields();
      if (same(now, saved)) { localStorage.removeItem(key); return; }
      localStorage.setItem(key, JSON.stringify({ revision: revision(), fields: now, at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server autosave still runs */ }
  }
  function readStored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  var stored = readStored();
  if (stored && stored.fields && form.hasAttribute("data-draft-fresh")) {
    // the server just answered a submit or a save with this very text: it is the newest
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  } else if (stored && stored.fields && stored.revision === revision() && !same(stored.fields, loaded)) {
    apply(stored.fields);
    var notice = document.getElementById("draft-restored");
    var at = new Date(stored.at || Date.now());
    document.getElementById("draft-restored-at").textContent =
      String(at.getHours()).padStart(2, "0") + ":" + String(at.getMinutes()).padStart(2, "0");
    notice.classList.remove("d-none");
    document.getElementById("draft-discard").addEventListener("click", function () {
      apply(loaded);
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      notice.classList.add("d-none");
    });
    // save the restored text to the server at once, once htmx has set the form up
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { htmx.trigger(form, "change"); });
    } else {
      htmx.trigger(form, "change");
    }
  } else if (stored) {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }
  form.addEventListener("input", store);
  form.addEventListener("change", store);

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt === form) { inFlight = fields(); }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === form) { status('<span class="text-muted">正在保存…</span>'); }
  });
  // --- Submitting is one click: an autosave never disables or replaces the buttons. A click
  // on 提交 while an autosave is in flight waits for it (so it carries the new revision),
  // then submits with the same button; the server saves what the form holds, then submits.
  var queued = null;
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== form) { return; }
    if (event.detail.successful && inFlight) {
      saved = inFlight;
      store();
    }
    inFlight = null;
    if (queued) {
      var button = queued;
      queued = null;
      form.requestSubmit(button);
    }
  });
  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }  // a double click: one request
    if (inFlight) {
      event.preventDefault();
      queued = event.submitter || null;
      return;
    }
    submitting = true;
    store();
    // disable after the browser has read the form (a disabled submitter would not be sent)
    window.setTimeout(function () {
      Array.prototype.forEach.call(document.querySelectorAll('button[type="submit"]'), function (b) {
        if (b.form === form) { b.disabled = true; }
      });
    }, 0);
    window.setTimeout(function () {  // the request failed or was cancelled: allow a retry
      submitting = false;
      Array.prototype.forEach.call(document.querySelectorAll('button[type="submit"]'), function (b) { b.disabled = false; });
    }, 15000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { submitting = false; }
  });

  // A leave-page warning while something typed is not yet on the server.
  window.addEventListener("beforeunload", function (event) {
    if (submitting || same(fields(), saved)) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
})();
