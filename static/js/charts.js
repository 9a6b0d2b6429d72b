// Draws every figure on the page. Each <div class="chart" data-figure="ID"> names a
// <script type="application/json" id="ID"> holding a plotly figure built on the server.
// No inline scripts (CSP): this file is the only code of ours on the page.
(function () {
  "use strict";

  // Geo subplots read their base maps from our static files, never from plotly's CDN.
  var script = document.currentScript;
  var topojsonURL = script ? script.getAttribute("data-topojson-url") : null;

  // Only same-origin relative paths such as /claims/12/ or /claims/?place=sudzha may be opened
  // from a chart (a query string of plain URL-encoded parameters).
  function safeClaimUrl(value) {
    return typeof value === "string" &&
      /^\/[A-Za-z0-9_\-\/]*(\?[A-Za-z0-9_\-=&%,.+]*)?$/.test(value) &&
      value.indexOf("//") !== 0
      ? value
      : null;
  }

  // --- The date brush (tracker.figures.date_brush): a range slider, preset buttons, and a
  // link that carries the dates shown into the page's filters (date_from / date_to).
  function brushOf(figure) {
    var meta = figure.layout && figure.layout.meta;
    return meta && meta.brush ? meta.brush : null;
  }

  function fitBrush(element, figure, brush) {
    // Narrow charts keep the buttons and drop the slider; its room goes to the legend, which
    // wraps into more rows there.
    if (element.clientWidth >= brush.min_width) return;
    var axis = figure.layout[brush.axis] || {};
    if (axis.rangeslider) axis.rangeslider.visible = false;
  }

  function lastDate(figure) {
    var last = null;
    (figure.data || []).forEach(function (trace) {
      (trace.x || []).forEach(function (x) {
        if (typeof x === "string" && (last === null || x > last)) last = x;
      });
    });
    return last;
  }

  function monthsBefore(day, months) {
    var date = new Date(day.slice(0, 10) + "T00:00:00Z");
    date.setUTCMonth(date.getUTCMonth() - months);
    return date.toISOString().slice(0, 10);
  }

  function filterHref(from, to) {
    var params = new URLSearchParams(window.location.search);
    ["page", "claim_date_after", "claim_date_before"].forEach(function (name) {
      params.delete(name);
    });
    params.set("date_from", from);
    params.set("date_to", to);
    return window.location.pathname + "?" + params.toString().replace(/%2C/g, ",");
  }

  function setupBrush(element, figure, brush) {
    var box = document.querySelector('.brush[data-brush-for="' + element.id + '"]');
    if (!box) return;
    box.hidden = false;
    var link = box.querySelector(".brush-filter");
    var buttons = box.querySelectorAll("button[data-months]");
    var end = lastDate(figure);
    function press(months) {
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-pressed", String(+buttons[i].getAttribute("data-months") === months));
      }
    }
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        var months = +event.currentTarget.getAttribute("data-months");
        var update = {};
        if (!months || !end) {
          update[brush.axis + ".autorange"] = true;
        } else {
          update[brush.axis + ".range"] = [monthsBefore(end, months), end.slice(0, 10)];
        }
        window.Plotly.relayout(element, update);
        press(months);
      });
    }
    element.on("plotly_relayout", function (event) {
      var keys = Object.keys(event || {});
      if (keys.some(function (key) { return /^xaxis\d*\.autorange$/.test(key); })) {
        link.hidden = true; // every date shown again: nothing to filter to
        return;
      }
      var range = null;
      keys.forEach(function (key) {
        var match = /^xaxis\d*\.range(\[([01])\])?$/.exec(key);
        if (!match) return;
        if (match[1]) {
          range = range || [null, null];
          range[+match[2]] = event[key];
        } else {
          range = event[key];
        }
      });
      if (!range || range[0] == null || range[1] == null) return;
      var from = String(range[0]).slice(0, 10);
      var to = String(range[1]).slice(0, 10);
      link.href = filterHref(from, to);
      link.textContent = "Filter the page to " + from + " – " + to;
      link.hidden = false;
    });
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    var brush = brushOf(figure);
    if (brush) {
      fitBrush(element, figure, brush);
      // The box keeps the figure's height: a relayout (the brush) must not let the box
      // collapse under the drawing and the links below it.
      if (figure.layout.height) element.style.minHeight = figure.layout.height + "px";
    }
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
    if (brush) setupBrush(element, figure, brush);
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
