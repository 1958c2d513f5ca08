// Draws the usage chart (使用情况统计) from the numbers the page carries (json_script "usage-data"), with the
// locally served ECharts; the same numbers are in the table below it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("usage-data");
    var target = document.getElementById("chart-usage");
    if (!source || !target || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    echarts.init(target).setOption({
      tooltip: { trigger: "axis" },
      legend: { data: data.series.map(function (s) { return s.name; }) },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
