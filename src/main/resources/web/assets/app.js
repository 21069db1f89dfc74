// Calltrail dashboard: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Selects that change the page (account switcher, filters) submit their form at once.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Copy buttons: <button data-copy="#element-id">.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      var text = source.value !== undefined ? source.value : source.textContent;
      navigator.clipboard.writeText(text).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });

  // Forms that delete or reveal ask first: <form data-confirm="Delete this pool?">.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // Daily charts: <div class="chart" data-chart="#json-id"> with {"days": [...], "series": [{"label", "values"}]}.
  var palette = ["#1f6feb", "#1a7f37", "#bf3989", "#9a6700", "#8250df", "#cf222e", "#0a7ea4", "#57606a"];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    if (typeof uPlot === "undefined") {
      return;
    }
    var data = JSON.parse(document.querySelector(element.getAttribute("data-chart")).textContent);
    var xs = data.days.map(function (day) { return Date.parse(day + "T12:00:00Z") / 1000; });
    var series = [{}];
    var columns = [xs];
    data.series.forEach(function (line, index) {
      // "color" lets a source's calls and conversions share one colour
      var colour = palette[(typeof line.color === "number" ? line.color : index) % palette.length];
      series.push({ label: line.label, stroke: colour, width: line.dash ? 1.5 : 2,
        dash: line.dash ? [6, 4] : undefined, points: { show: xs.length < 40 } });
      columns.push(line.values);
    });
    function size() { return { width: Math.max(280, element.clientWidth), height: 260 }; }
    var chart = new uPlot(Object.assign({ series: series, scales: { x: { time: true } },
      axes: [{}, { size: 40 }], legend: { live: false } }, size()), columns, element);
    window.addEventListener("resize", function () { chart.setSize(size()); });
  });
})();
