/* The task form (填报任务): choosing a topic preselects its indicators and checklist items.
   Every box and every group carries data-topics="shuangjian teacher …" (the topics it belongs
   to); on a change of the [data-topic-select] the boxes of that topic are ticked and the others
   unticked, and the groups of that topic are opened. The clerk may then tick or untick freely.
   Each group's summary shows "已选 n/m". */
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  if (!form) { return; }
  var select = form.querySelector("[data-topic-select]");

  function belongs(el, topic) {
    return (el.getAttribute("data-topics") || "").split(" ").indexOf(topic) !== -1;
  }

  function count() {
    form.querySelectorAll("details[data-topics]").forEach(function (group) {
      var boxes = group.querySelectorAll("input[type=checkbox]");
      var ticked = group.querySelectorAll("input[type=checkbox]:checked");
      var label = group.querySelector("[data-group-count]");
      if (label) { label.textContent = "已选 " + ticked.length + "/" + boxes.length; }
    });
  }

  function preselect(topic) {
    form.querySelectorAll("input[type=checkbox][data-topics]").forEach(function (box) {
      box.checked = belongs(box, topic);
    });
    form.querySelectorAll("details[data-topics]").forEach(function (group) {
      group.open = belongs(group, topic);
    });
    count();
  }

  if (select) {
    select.addEventListener("change", function () { preselect(select.value); });
  }
  form.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=checkbox]")) { count(); }
  });
  count();
})();
