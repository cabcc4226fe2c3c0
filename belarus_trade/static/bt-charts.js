// Draws every chart of the page from its embedded Vega-Lite spec with the locally served
// vega-embed, and makes tables sortable. A chart that cannot be drawn (no bundle, bad spec,
// render error) falls back to its static image.
(function () {
  "use strict";
  function fail(chart, reason) {
    chart.classList.add("bt-failed");
    console.warn("chart " + chart.id + " shown as static image: " + reason);
  }
  function drawCharts() {
    document.querySelectorAll(".bt-chart").forEach(function (chart) {
      if (!window.vegaEmbed) { fail(chart, "the Vega bundle did not load"); return; }
      var spec;
      try {
        spec = JSON.parse(chart.querySelector(".bt-chart-spec").textContent);
      } catch (error) { fail(chart, "unreadable spec (" + error + ")"); return; }
      window.vegaEmbed(chart.querySelector(".bt-chart-live"), spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
      }).then(function () {
        chart.classList.add("bt-live");
      }).catch(function (error) { fail(chart, String(error)); });
    });
  }
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
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function sortableTables() {
    document.querySelectorAll("table.bt-sortable").forEach(function (table) {
      table.querySelectorAll("th").forEach(function (header, column) {
        var sort = function () { sortBy(table, column, header); };
        header.addEventListener("click", sort);
        header.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { sortableTables(); drawCharts(); });
})();
