// 指标图 / an indicator's charts: its trend, and the units below ranked against the target
// line; a click on a unit's bar drills down to that unit. Data come from #chart-data.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var font = getComputedStyle(document.body).fontFamily;
  var colours = { green: "#1E8449", amber: "#D68910", red: "#C0392B", grey: "#7F8C8D" };
  var targetLine = data.target === null ? [] : [{ yAxis: data.target, name: data.labels.target }];
  // the value axis always reaches the target, so its line is on the chart
  var axis = {
    type: "value", scale: true,
    min: function (v) { return data.target === null ? v.min : Math.min(v.min, data.target); },
    max: function (v) { return data.target === null ? v.max : Math.max(v.max, data.target); }
  };

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return null;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    option.animation = false; // drawn at once: the figure is read, not watched
    option.textStyle = { fontFamily: font };
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.ready = "1";
    return chart;
  }

  draw("trend-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 96, containLabel: true },
    xAxis: { type: "category", data: data.trend.periods },
    yAxis: axis,
    series: [{
      name: data.labels.value, type: "line", data: data.trend.values, connectNulls: false,
      itemStyle: { color: "#2f6fb0" },
      markLine: { symbol: "none", lineStyle: { color: colours.red, type: "dashed" },
                  label: { formatter: data.labels.target + " {c}" }, data: targetLine }
    }]
  });

  var ranking = draw("rank-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 96, containLabel: true },
    xAxis: { type: "category", data: data.ranking.units, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: axis,
    series: [{
      name: data.labels.value, type: "bar", cursor: "pointer",
      data: data.ranking.values.map(function (v, i) {
        return { value: v, itemStyle: { color: colours[data.ranking.status[i]] || colours.grey } };
      }),
      markLine: { symbol: "none", lineStyle: { color: colours.red, type: "dashed", width: 2 },
                  label: { formatter: data.labels.target + " {c}" }, data: targetLine }
    }]
  });
  if (ranking) {
    ranking.on("click", function (event) {
      var id = data.ranking.ids[event.dataIndex];
      if (id) window.location.href = data.link + encodeURIComponent(id);
    });
  }
})();
