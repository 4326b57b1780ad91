/* Dashboard charts: every <canvas data-chart="key"> is drawn from the JSON the server put in
   #dashboard-charts (Chart.js 4, vendored). The same numbers are in the table next to it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  Chart.defaults.font.family = 'system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  Chart.defaults.font.size = 11;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var cfg = charts[canvas.getAttribute("data-chart")];
    if (!cfg) { return; }
    var horizontal = !!cfg.horizontal;
    var scales = {};
    if (cfg.stacked) {
      scales = { x: { stacked: true }, y: { stacked: true } };
    }
    scales[horizontal ? "x" : "y"] = Object.assign(scales[horizontal ? "x" : "y"] || {}, {
      beginAtZero: true, ticks: { precision: 0 }
    });
    new Chart(canvas, {
      type: cfg.type,
      data: { labels: cfg.labels, datasets: cfg.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        scales: scales,
        plugins: { legend: { display: cfg.datasets.length > 1, position: "bottom" } }
      }
    });
  });
})();
