// Draws the 统计概览 charts from the numbers the page carries (json_script "dashboard-data"), with the
// locally served ECharts; the same numbers are in the tables beside them.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
    var daily = document.getElementById("chart-daily");
    if (daily) {
      echarts.init(daily).setOption({
        tooltip: { trigger: "axis" },
        legend: { data: [zh ? "新开账号" : "Accounts opened", zh ? "登录次数" : "Logins"] },
        grid: { left: 40, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.days },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: zh ? "新开账号" : "Accounts opened", type: "bar", data: data.opened },
          { name: zh ? "登录次数" : "Logins", type: "line", smooth: true, data: data.logins }
        ]
      });
    }
    var rates = document.getElementById("chart-rates");
    if (rates) {
      echarts.init(rates).setOption({
        tooltip: { formatter: function (p) { return p.name + "：" + (p.value === null ? "—" : p.value + "%"); } },
        grid: { left: 120, right: 24, top: 16, bottom: 24 },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: data.rates.map(function (r) { return r.label; }) },
        series: [{ type: "bar", data: data.rates.map(function (r) { return r.value; }), label: { show: true, formatter: "{c}%" } }]
      });
    }
    var kinds = document.getElementById("chart-kinds");
    if (kinds) {
      echarts.init(kinds).setOption({
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.kinds, label: { formatter: "{b}\n{c}" } }]
      });
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
