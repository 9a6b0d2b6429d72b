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

  // --- Layout that depends on the width -----------------------------------------------------
  // The server builds each figure for no particular width. Once drawn, `fit` measures what the
  // browser laid out and makes room: the title wrapped to the width (top margin), the x-axis
  // tick labels and title, then the legend below them (bottom margin). The figure grows by what
  // it adds, so the plot keeps its height and the legend never covers the axes. It runs again
  // after every resize.
  var TITLE_LINE = 21; // px per line of a 16 px title
  var TITLE_CHAR = 8.8; // px per character of a 16 px title (wide side, so wrapping is early)
  var LEGEND_GAP = 12; // px between the x-axis title and the legend
  var EDGE = 8; // px below the legend
  var LEGEND_CHAR = 7; // px per character of a 12 px legend entry
  var MAX_PASSES = 5;

  function wrapWords(text, width) {
    var words = text.replace(/<br>/g, " ").split(" ");
    var lines = [];
    var line = "";
    for (var i = 0; i < words.length; i++) {
      if (!words[i]) continue;
      if (line && (line + " " + words[i]).length > width) {
        lines.push(line);
        line = words[i];
      } else {
        line = line ? line + " " + words[i] : words[i];
      }
    }
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  // Tick spacing for a date axis: the smallest calendar step whose labels fit the axis's
  // length, keeping at least two ticks. Narrow axes put the year under the month.
  var DAY = 864e5;
  var MONTH = 30.44 * DAY;
  var STEPS = [
    [DAY, "day"], [2 * DAY, "day"], [7 * DAY, "day"], [14 * DAY, "day"],
    [MONTH, "M1"], [2 * MONTH, "M2"], [3 * MONTH, "M3"], [6 * MONTH, "M6"],
    [12 * MONTH, "M12"], [24 * MONTH, "M24"], [60 * MONTH, "M60"], [120 * MONTH, "M120"],
  ];
  var NARROW_AXIS_PX = 480;

  function dateTicks(axis) {
    var span = Math.abs(axis.r2l(axis.range[1]) - axis.r2l(axis.range[0]));
    if (!(span > 0)) return null;
    var narrow = axis._length < NARROW_AXIS_PX;
    var most = Math.max(2, Math.floor(axis._length / (narrow ? 46 : 84)));
    var chosen = null;
    for (var i = 0; i < STEPS.length; i++) {
      if (span / STEPS[i][0] < 2) break; // fewer than two ticks: keep the last step that had two
      chosen = STEPS[i];
      if (span / STEPS[i][0] <= most) break;
    }
    if (!chosen) chosen = STEPS[0];
    var days = chosen[1] === "day";
    var years = !days && chosen[0] >= 12 * MONTH;
    var format = days ? "%d %b" : years ? "%Y" : "%b";
    if (!years) format += narrow ? "<br>%Y" : " %Y";
    return {
      tickmode: "linear",
      tick0: days ? "2000-01-03" : "2000-01-01", // a Monday; a first of January
      dtick: days ? Math.round(chosen[0] / DAY) * DAY : chosen[1],
      tickformat: format,
    };
  }

  function plotBottom(full) {
    return full._size.t + full._size.h;
  }

  // The lowest pixel (from the top of the figure) of the x axes' tick labels and titles.
  function axesBottom(element, full) {
    var svg = element.querySelector(".main-svg");
    var top = svg.getBoundingClientRect().top;
    var lowest = plotBottom(full);
    var texts = element.querySelectorAll(
      ".xaxislayer-above text, .infolayer g[class^='g-x'] text"
    );
    for (var i = 0; i < texts.length; i++) {
      var box = texts[i].getBoundingClientRect();
      if (box.height > 0) lowest = Math.max(lowest, box.bottom - top);
    }
    return lowest;
  }

  function legendHeight(element, full) {
    if (!full.showlegend) return 0;
    var legend = element.querySelector(".infolayer .legend");
    return legend ? legend.getBoundingClientRect().height : 0;
  }

  // What the layout should be at the current width, or null when it already is.
  function wanted(element, base) {
    var full = element._fullLayout;
    if (!full || !full._size) return null;
    var update = {};
    var title = base.title ? wrapWords(base.title, Math.max(14, Math.floor((full.width - 16) / TITLE_CHAR))) : "";
    var lines = title ? title.split("<br>").length : 1;
    var top = base.top + (lines - 1) * TITLE_LINE;
    var hasX = full.xaxis && full.xaxis.visible !== false;
    var bottom = base.bottom;
    if (hasX) {
      bottom = Math.ceil(axesBottom(element, full) - plotBottom(full) + EDGE);
      var legend = legendHeight(element, full);
      if (legend) bottom += LEGEND_GAP + Math.ceil(legend);
    }
    var height = base.height + (top - base.top) + (bottom - base.bottom);
    // Date ticks spaced for the drawn width: never a pile, never a lone tick.
    Object.keys(full).forEach(function (key) {
      var axis = full[key];
      if (!/^xaxis\d*$/.test(key) || !axis || axis.type !== "date" || !axis._length) return;
      var ticks = dateTicks(axis);
      if (!ticks) return;
      // Compared with the layout as given (not plotly's computed one), and always sent whole:
      // "linear" without its dtick would tick every millisecond.
      var given = (element.layout && element.layout[key]) || {};
      var same = Object.keys(ticks).every(function (name) {
        return given[name] === ticks[name];
      });
      if (!same) {
        Object.keys(ticks).forEach(function (name) {
          update[key + "." + name] = ticks[name];
        });
      }
    });
    if (title && full.title.text !== title) update["title.text"] = title;
    if (Math.abs(full.margin.t - top) > 1) update["margin.t"] = top;
    if (Math.abs(full.margin.b - bottom) > 1) update["margin.b"] = bottom;
    if (Math.abs(full.height - height) > 1) update.height = height;
    return Object.keys(update).length ? update : null;
  }

  // Legend entries wrapped to the width (a 360 px phone holds about 30 characters a row).
  function legendNames(element, base) {
    var chars = Math.max(24, Math.floor((element._fullLayout.width - 60) / LEGEND_CHAR));
    var names = [];
    var indices = [];
    element.data.forEach(function (trace, i) {
      var name = base.names[i];
      if (!name || trace.showlegend === false) return;
      var wrapped = wrapWords(name, chars);
      if (wrapped !== trace.name) {
        names.push(wrapped);
        indices.push(i);
      }
    });
    return indices.length ? window.Plotly.restyle(element, { name: names }, indices) : null;
  }

  function fit(element, base, pass) {
    if (pass === 0) {
      var renamed = legendNames(element, base);
      if (renamed) return renamed.then(function () { return fit(element, base, 1); });
    }
    var update = pass < MAX_PASSES ? wanted(element, base) : null;
    if (!update) {
      element.setAttribute("data-fit-width", String(element._fullLayout.width));
      return Promise.resolve();
    }
    return window.Plotly.relayout(element, update).then(function () {
      return fit(element, base, pass + 1);
    });
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
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
    var margin = layout.margin || {};
    var base = {
      title: layout.title && layout.title.text ? layout.title.text : "",
      height: layout.height || 0,
      top: margin.t || 0,
      bottom: margin.b || 0,
      names: (figure.data || []).map(function (trace) {
        return trace.name || "";
      }),
    };
    if (base.title) {
      // Anchored to the top edge, so a second line grows downwards into the margin we add.
      layout.title.yref = "container";
      layout.title.y = 1;
      layout.title.yanchor = "top";
      layout.title.pad = { t: 18, l: 8 };
    }
    var sized = base.height > 0 && !isStatic;
    window.Plotly.newPlot(element, figure.data || [], layout, config)
      .then(function () {
        return sized ? fit(element, base, 0) : null;
      })
      .then(function () {
        element.setAttribute("data-drawn", "true");
      });
    if (brush) setupBrush(element, figure, brush);
    element.on("plotly_click", function (event) {
      if (!event || !event.points || !event.points.length) return;
      var url = safeClaimUrl(event.points[0].customdata);
      if (url) window.location.assign(url);
    });
    if (sized) fitted.push({ element: element, base: base });
  }

  var fitted = [];
  var resizeTimer = null;

  function refit() {
    fitted.forEach(function (chart) {
      var element = chart.element;
      if (!element._fullLayout) return;
      var width = element.clientWidth;
      if (!width || Math.abs(width - element._fullLayout.width) < 1) return;
      element.removeAttribute("data-fit-width");
      // Our relayout of the height fixed the width too (plotly's own resize then stops): set
      // the new width ourselves, then fit again.
      window.Plotly.relayout(element, { width: width }).then(function () {
        return fit(element, chart.base, 0);
      });
    });
  }

  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(refit, 150);
  });

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
