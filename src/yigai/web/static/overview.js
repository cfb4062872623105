// 签约率图 / the signing-rate chart: bars for the rates, markers for the targets.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var chart = echarts.init(document.getElementById("chart"), null, { renderer: "canvas" });
  chart.setOption({
    animation: false, // drawn at once: the figure is read, not watched
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.rate, data.labels.target] },
    xAxis: { type: "category", data: data.groups },
    yAxis: { type: "value", max: 100 },
    series: [
      { name: data.labels.rate, type: "bar", data: data.rate, itemStyle: { color: "#2f6fb0" } },
      { name: data.labels.target, type: "scatter", data: data.target, symbol: "rect",
        symbolSize: [40, 4], itemStyle: { color: "#c0392b" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  document.getElementById("chart").dataset.ready = "1";
})();
