// Draws every figure on the page. Each <div class="chart" data-figure="ID"> names a
// <script type="application/json" id="ID"> holding a plotly figure built on the server.
// No inline scripts (CSP): this file is the only code of ours on the page.
(function () {
  "use strict";

  // Geo subplots read their base maps from our static files, never from plotly's CDN.
  var script = document.currentScript;
  var topojsonURL = script ? script.getAttribute("data-topojson-url") : null;

  // Only same-origin relative paths such as /claims/12/ (with a plain query string such as
  // ?category=arms_transfer&weapon=kn-23) may be opened from a chart.
  function safeClaimUrl(value) {
    return typeof value === "string" && /^\/[A-Za-z0-9_\-\/]*(\?[A-Za-z0-9_\-=&,]*)?$/.test(value) && value.indexOf("//") !== 0
      ? value
      : null;
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    var isStatic = element.closest(".card") !== null;
    var config = {
      responsive: true,
      displaylogo: false,
      staticPlot: false,
      displayModeBar: isStatic ? false : "hover",
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: { format: "png", scale: 2 },
    };
    window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, config).then(function () {
      element.setAttribute("data-drawn", "true");
    });
    element.on("plotly_click", function (event) {
      if (!event || !event.points || !event.points.length) return;
      var url = safeClaimUrl(event.points[0].customdata);
      if (url) window.location.assign(url);
    });
  }

  function drawAll() {
    if (!window.Plotly) return;
    if (topojsonURL) window.Plotly.setPlotConfig({ topojsonURL: topojsonURL });
    var charts = document.querySelectorAll(".chart[data-figure]");
    for (var i = 0; i < charts.length; i++) draw(charts[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
