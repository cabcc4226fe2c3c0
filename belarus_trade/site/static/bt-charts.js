// Draws every chart of the page from its embedded Vega-Lite spec with the locally served
// vega-embed, and makes tables sortable and their overflow visible. Until a chart is drawn, and
// for good if it cannot be (no bundle, bad spec, render error), its static image stands in.
//
// Text first: the Vega bundle (about 0.9 MB) is not loaded with the page but when the reader
// first scrolls or interacts with it; the charts are then drawn one after another, the nearest
// first, so no single task holds up the page.
//
// The stored spec is laid out for the static image (WIDTH px in all, see charts.py). On the
// page a chart takes the width of its column instead ("container" width, fitted with its axes
// and legends), with a narrow layout under NARROW px (legends stacked below, fewer and shorter
// labels), and the colours of the page's theme (pydata-sphinx-theme's data-theme="dark").
// A chart is drawn again when its column changes width, the layout or the theme changes.
(function () {
  "use strict";
  var SCRIPT = document.currentScript;  // its data-bundle: the bundle's URL relative to this script
  var FIRST_INTERACTIONS = ["scroll", "wheel", "pointermove", "pointerdown", "touchstart", "keydown"];
  var NARROW = 560;       // px: column width under which a chart uses the narrow layout
  var DESIGN_WIDTH = 600; // px: charts.WIDTH, for specs that give no width of their own
  var COMPOUND = ["concat", "hconcat", "vconcat", "facet", "repeat"];
  var DARK_INK = "#d6dbe0";   // text on the dark page background (about 12:1)
  var DARK_BACKGROUND = "#14181e";  // pydata-sphinx-theme's dark --pst-color-background

  // --- charts ---------------------------------------------------------------------------------

  function fail(chart, reason) {
    chart.classList.add("bt-failed");
    console.warn("chart " + chart.id + " shown as static image: " + reason);
  }

  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function merge(target, source) {  // deep merge of plain objects, source wins
    Object.keys(source).forEach(function (key) {
      if (isObject(source[key]) && isObject(target[key])) merge(target[key], source[key]);
      else target[key] = source[key];
    });
    return target;
  }

  // Every view of a spec (the top level, its layers and the parts of compound charts), with
  // `visit(view)`; the inline datasets are not walked.
  function eachView(view, visit) {
    if (!isObject(view)) return;
    visit(view);
    ["layer", "concat", "hconcat", "vconcat"].forEach(function (key) {
      (view[key] || []).forEach(function (child) { eachView(child, visit); });
    });
    if (isObject(view.spec)) eachView(view.spec, visit);
  }

  function eachChannel(view, visit) {
    if (!isObject(view.encoding)) return;
    Object.keys(view.encoding).forEach(function (channel) {
      var definition = view.encoding[channel];
      (Array.isArray(definition) ? definition : [definition]).forEach(function (d) {
        if (isObject(d)) visit(channel, d);
      });
    });
  }

  // Dark ink for light paper (a neutral grey or black, e.g. "#222", "#444") becomes the
  // matching light ink for the dark background; colours with a hue are left as they are.
  function lightInk(colour) {
    if (typeof colour !== "string") return colour;
    var hex = colour.trim().toLowerCase();
    if (hex === "black") hex = "#000";
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(hex);
    if (!m) return colour;
    var digits = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    var rgb = [0, 2, 4].map(function (i) { return parseInt(digits.substr(i, 2), 16); });
    var grey = Math.max.apply(null, rgb) - Math.min.apply(null, rgb) < 16;
    var level = (rgb[0] + rgb[1] + rgb[2]) / 3;
    if (!grey || level >= 128) return colour;
    var light = Math.round(255 - level * 0.85).toString(16);
    return "#" + light + light + light;
  }

  function lightenInks(view) {
    ["color", "fill", "stroke"].forEach(function (property) {
      if (isObject(view.mark) && typeof view.mark[property] === "string") view.mark[property] = lightInk(view.mark[property]);
      var encoded = isObject(view.encoding) && view.encoding[property];
      if (isObject(encoded)) {
        if (typeof encoded.value === "string") encoded.value = lightInk(encoded.value);
        var conditions = Array.isArray(encoded.condition) ? encoded.condition : [encoded.condition];
        conditions.forEach(function (c) { if (isObject(c) && typeof c.value === "string") c.value = lightInk(c.value); });
      }
    });
  }

  // A message written over several lines (charts.no_data_figure: a text mark with lineBreak)
  // is wrapped again for the narrow width, and the chart made as tall as its lines.
  function rewrap(view, spec, width) {
    var text = isObject(view.encoding) && isObject(view.encoding.text) ? view.encoding.text.value : null;
    if (!isObject(view.mark) || view.mark.type !== "text" || typeof view.mark.lineBreak !== "string" || typeof text !== "string") return;
    var fontSize = view.mark.fontSize || 11;
    var perLine = Math.max(12, Math.floor((width - 16) / (fontSize * 0.56)));
    var lines = [], line = "";
    text.split(view.mark.lineBreak).join(" ").split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > perLine) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    view.encoding.text.value = lines.join(view.mark.lineBreak);
    if (typeof spec.height === "number") spec.height = Math.max(spec.height, 30 + Math.round(fontSize * 1.45) * lines.length);
  }

  // Category labels on the y axis (Figure 2d's cases) longer than the narrow layout's label
  // space are set on two lines, broken at the last space that fits, instead of cut with "…";
  // each row then gets the height of two lines.
  var LABEL_CHAR_PX = 11 * 0.56;  // average width of a character at the narrow layout's 11 px
  var TWO_LINE_STEP = 30;         // px per row with two-line labels

  function wrapCategoryLabels(spec, view, labelLimit) {
    var y = isObject(view.encoding) ? view.encoding.y : null;
    if (!isObject(y) || (y.type !== "nominal" && y.type !== "ordinal") || typeof y.field !== "string") return;
    var rows = isObject(view.data) && isObject(spec.datasets) ? spec.datasets[view.data.name] : null;
    if (!Array.isArray(rows)) return;
    var perLine = Math.floor(labelLimit / LABEL_CHAR_PX);
    var longest = rows.reduce(function (most, row) { return Math.max(most, String(row[y.field]).length); }, 0);
    if (longest <= perLine) return;
    var cut = "lastindexof(substring(datum.label, 0, " + perLine + "), ' ')";
    y.axis = isObject(y.axis) ? y.axis : {};
    y.axis.labelExpr = "length(datum.label) <= " + perLine + " || " + cut + " < 1 ? datum.label : " +
      "[substring(datum.label, 0, " + cut + "), substring(datum.label, " + cut + " + 1)]";
    y.axis.labelLimit = labelLimit;
    spec.height = { step: TWO_LINE_STEP };
  }

  function darkConfig(background) {
    var rule = "#4a525d", soft = "#9aa3ad";
    return {
      background: background,
      axis: { labelColor: DARK_INK, titleColor: DARK_INK, gridColor: "#333a44", domainColor: soft, tickColor: soft },
      legend: { labelColor: DARK_INK, titleColor: DARK_INK },
      title: { color: DARK_INK, subtitleColor: DARK_INK },
      header: { labelColor: DARK_INK, titleColor: DARK_INK },
      text: { color: DARK_INK },
      rule: { color: rule },
      view: { stroke: null },
    };
  }

  function pageBackground() {
    var colour = getComputedStyle(document.body).backgroundColor;
    return !colour || colour === "transparent" || colour === "rgba(0, 0, 0, 0)" ? DARK_BACKGROUND : colour;
  }

  // The spec as this chart's box shows it: `width` px wide (0: not displayed yet), `dark` or not.
  function adapt(stored, width, dark) {
    var spec = JSON.parse(JSON.stringify(stored));
    var design = typeof spec.width === "number" ? spec.width : DESIGN_WIDTH;
    var compound = COMPOUND.some(function (key) { return key in spec; });
    var fits = width > 0 && !compound;
    var narrow = fits && width < NARROW;
    var ratio = fits ? Math.min(1, width / design) : 1;
    var config = spec.config = spec.config || {};
    if (fits) {
      spec.width = "container";
      spec.autosize = { type: "fit-x", contains: "padding", resize: true };
    }
    if (narrow) {
      var labelLimit = Math.max(80, Math.round(width * 0.45));   // y-axis labels: the rest is the plot
      var legendLimit = Math.max(120, width - 110);               // the legend starts below the plot, right of the y axis
      var ticks = Math.max(3, Math.floor(width / 60));
      merge(config, {
        legend: { orient: "bottom", direction: "vertical", columns: 1, labelLimit: legendLimit },  // stacked: the spec's layout
        axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: labelLimit },
        axisX: { labelOverlap: "parity", labelSeparation: 6, labelFlush: true, titleAnchor: "end" },
        axisXQuantitative: { tickCount: ticks },
        axisXTemporal: { tickCount: ticks },
      });
    }
    eachView(spec, function (view) {
      if (fits && view !== spec) delete view.width;  // the layers follow the top level's width
      if (ratio < 1 && isObject(view.mark) && view.mark.type === "bar" && typeof view.mark.size === "number") {
        view.mark.size = Math.max(2, Math.round(view.mark.size * ratio));  // bar widths laid out for `design`
      }
      if (narrow) {
        eachChannel(view, function (channel, definition) {
          if (isObject(definition.legend)) {
            ["orient", "direction", "columns", "legendX", "legendY"].forEach(function (k) { delete definition.legend[k]; });
            if (definition.legend.labelLimit > legendLimit) definition.legend.labelLimit = legendLimit;
          }
          if (isObject(definition.axis) && definition.axis.labelLimit > labelLimit) definition.axis.labelLimit = labelLimit;
        });
        rewrap(view, spec, width);
        wrapCategoryLabels(spec, view, labelLimit);
      }
      if (dark) lightenInks(view);
    });
    if (dark) {
      var background = pageBackground();
      merge(config, darkConfig(background));
      spec.background = background;
    }
    return spec;
  }

  var drawn = [];  // one entry per chart: {chart, box, view (Vega's element), spec, key (its layout), token, result}

  function layoutKey(width) {
    return width + "/" + (isDark() ? "dark" : "light");
  }

  // Draws the chart for its box's width and the page's theme, unless it is drawn so already;
  // the promise settles when Vega has drawn it (or failed).
  function draw(entry) {
    var width = entry.box.clientWidth;
    var key = layoutKey(width);
    if (entry.key === key) return Promise.resolve();
    entry.key = key;
    var token = ++entry.token;
    var spec = adapt(entry.spec, width, isDark());
    // Keep the box's height while the chart is drawn again, so the page does not jump.
    if (entry.result) entry.box.style.minHeight = entry.box.offsetHeight + "px";
    if (entry.result) { entry.result.finalize(); entry.result = null; }
    // Vega labels the element it draws in ("Vega visualization", role graphics-document): that is
    // a hidden element inside the box, whose own role="img" and aria-label describe the chart.
    if (!entry.view) {
      entry.view = document.createElement("div");
      entry.view.className = "bt-chart-view";
      entry.view.setAttribute("aria-hidden", "true");
      entry.box.appendChild(entry.view);
    }
    return window.vegaEmbed(entry.view, spec, {
      renderer: "svg",
      actions: false,  // no menu inside the role="img" box: the CSV link below exports the data
      tooltip: { theme: isDark() ? "dark" : "light" },
    }).then(function (result) {
      if (token !== entry.token) { result.finalize(); return; }
      entry.result = result;
      entry.box.style.minHeight = "";
      entry.box.classList.toggle("bt-fixed", !(width > 0) || spec.width !== "container");
      // The box is the image (role="img" with the chart's description); Vega's SVG layers are
      // decoration to assistive technology.
      entry.box.querySelectorAll("svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      });
      entry.chart.classList.remove("bt-failed");
      entry.chart.classList.add("bt-live");
      entry.chart.dataset.drawn = key;  // the width and theme it is drawn for (tests wait on it)
    }).catch(function (error) {
      if (token !== entry.token) return;
      entry.chart.classList.remove("bt-live");
      fail(entry.chart, String(error));
    });
  }

  function redrawAll() {
    drawn.forEach(draw);
  }

  // The charts nearest the viewport first (a reader who followed a link to Figure 5 sees it
  // drawn before Figure 1), each drawn once the one before it is; `then(entry)` after each.
  function drawInTurn(entries, then) {
    var top = new Map(entries.map(function (entry) { return [entry, Math.abs(entry.chart.getBoundingClientRect().top)]; }));
    var queue = entries.slice().sort(function (a, b) { return top.get(a) - top.get(b); });
    (function next() {
      var entry = queue.shift();
      if (entry) draw(entry).then(function () { then(entry); next(); });
    })();
  }

  function drawCharts(charts) {
    var pending = new Set();
    var resized = typeof ResizeObserver === "function" ? new ResizeObserver(function (records) {
      records.forEach(function (record) { pending.add(record.target.btEntry); });
      window.requestAnimationFrame(function () {
        pending.forEach(draw);
        pending.clear();
      });
    }) : null;
    charts.forEach(function (chart) {
      if (!window.vegaEmbed) { fail(chart, "the Vega bundle did not load"); return; }
      var spec;
      try {
        spec = JSON.parse(chart.querySelector(".bt-chart-spec").textContent);
      } catch (error) { fail(chart, "unreadable spec (" + error + ")"); return; }
      var entry = { chart: chart, box: chart.querySelector(".bt-chart-live"), view: null, spec: spec, key: null, token: 0, result: null };
      entry.box.btEntry = entry;
      drawn.push(entry);
    });
    // A chart follows its box's width once it is first drawn (observing sooner would draw every
    // chart at once: an observer reports each box's size as soon as it observes it).
    drawInTurn(drawn, function (entry) { if (resized) resized.observe(entry.box); });
    // The theme switcher sets data-theme on <html>: draw every chart in the new colours.
    new MutationObserver(redrawAll).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  // The bundle, loaded once, when the reader starts reading on: the first scroll, mouse move,
  // click, tap or key press. Until then the static images stand in, which also draw the charts
  // in the first screen; in the dark theme, where those images are too bright, a chart in the
  // first screen loads it at once.
  function drawChartsOnFirstInteraction() {
    var charts = Array.prototype.slice.call(document.querySelectorAll(".bt-chart"));
    if (!charts.length) return;
    var url = SCRIPT && SCRIPT.dataset.bundle ? new URL(SCRIPT.dataset.bundle, SCRIPT.src).href : null;
    var visible = null, started = false;
    function start() {
      if (started) return;
      started = true;
      if (visible) visible.disconnect();
      FIRST_INTERACTIONS.forEach(function (type) { window.removeEventListener(type, start, { passive: true }); });
      if (!url) { charts.forEach(function (chart) { fail(chart, "no Vega bundle named"); }); return; }
      var bundle = document.createElement("script");
      bundle.src = url;
      bundle.onload = function () { drawCharts(charts); };
      bundle.onerror = function () { charts.forEach(function (chart) { fail(chart, "the Vega bundle did not load"); }); };
      document.head.appendChild(bundle);
    }
    FIRST_INTERACTIONS.forEach(function (type) { window.addEventListener(type, start, { passive: true }); });
    new MutationObserver(function () { if (isDark()) start(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    if (typeof IntersectionObserver !== "function") { start(); return; }
    visible = new IntersectionObserver(function (records) {
      if (isDark() && records.some(function (record) { return record.isIntersecting; })) start();
    });
    charts.forEach(function (chart) { visible.observe(chart); });
  }

  // --- tables ---------------------------------------------------------------------------------

  function sortKey(cell) {
    return cell.dataset.sort === undefined ? null : parseFloat(cell.dataset.sort);
  }

  function sortBy(table, column, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.some(function (row) { return sortKey(row.cells[column]) !== null; });
    rows.sort(function (a, b) {
      var x = a.cells[column], y = b.cells[column];
      if (numeric) {
        var nx = sortKey(x), ny = sortKey(y);
        if (nx === null || ny === null) return (nx === null) - (ny === null);  // missing last
        return ascending ? nx - ny : ny - nx;
      }
      var order = x.textContent.localeCompare(y.textContent);
      return ascending ? order : -order;
    });
    table.querySelectorAll("thead th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }

  // Each column header becomes a button (Enter and Space sort, screen readers announce a button
  // in a sortable column header); the th carries aria-sort.
  function sortableTables() {
    document.querySelectorAll("table.bt-sortable").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (header, column) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "bt-sort";
        while (header.firstChild) button.appendChild(header.firstChild);
        header.appendChild(button);
        header.removeAttribute("tabindex");
        header.setAttribute("aria-sort", "none");
        button.addEventListener("click", function () { sortBy(table, column, header); });
      });
    });
  }

  // A table wider than its column scrolls inside a focusable region (keyboard users scroll it
  // with the arrow keys) with a shadow at each edge that hides columns; a table that fits is
  // neither a region nor a tab stop.
  function scrollingTables() {
    var frames = document.querySelectorAll(".bt-table-frame");
    function update(frame) {
      var region = frame.querySelector(".bt-table-scroll");
      var hidden = region.scrollWidth - region.clientWidth;
      var scrolls = hidden > 1 && region.clientWidth > 0;
      frame.classList.toggle("bt-scrolls", scrolls);
      frame.classList.toggle("bt-more-left", scrolls && region.scrollLeft > 1);
      frame.classList.toggle("bt-more-right", scrolls && region.scrollLeft < hidden - 1);
      if (scrolls) {
        region.setAttribute("role", "region");
        region.setAttribute("tabindex", "0");
        region.setAttribute("aria-label", frame.dataset.label);
      } else if (region.clientWidth > 0) {
        region.removeAttribute("role");
        region.removeAttribute("tabindex");
        region.removeAttribute("aria-label");
      }
    }
    frames.forEach(function (frame) {
      var region = frame.querySelector(".bt-table-scroll");
      var caption = frame.closest("figure") && frame.closest("figure").querySelector("figcaption strong");
      // The words come translated from the page (charts.DataTable), like every other text of the table.
      frame.dataset.label = (caption ? caption.textContent.trim().replace(/[.:]$/, "") : frame.dataset.table) + " " + frame.dataset.scrolls;
      region.addEventListener("scroll", function () { update(frame); }, { passive: true });
      update(frame);
      if (typeof ResizeObserver === "function") new ResizeObserver(function () { update(frame); }).observe(region);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { sortableTables(); scrollingTables(); drawChartsOnFirstInteraction(); });
})();
