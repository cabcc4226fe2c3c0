// Draws every chart of the page from its embedded Vega-Lite spec with the locally served
// vega-embed, and makes tables sortable. Without JavaScript the static SVG stays in place.
(function () {
  "use strict";
  function drawCharts() {
    if (!window.vegaEmbed) return;
    document.querySelectorAll(".bt-chart").forEach(function (chart) {
      var live = chart.querySelector(".bt-chart-live");
      var spec = JSON.parse(chart.querySelector(".bt-chart-spec").textContent);
      window.vegaEmbed(live, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
      }).then(function () {
        chart.classList.add("bt-live");
      }).catch(function (error) {
        chart.classList.add("bt-failed");
        console.error("chart " + chart.id + ": " + error);
      });
    });
  }
  function sortBy(table, column, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column], y = b.cells[column];
      var nx = x.dataset.sort, ny = y.dataset.sort;
      var order = (nx !== undefined && ny !== undefined)
        ? parseFloat(nx) - parseFloat(ny)
        : x.textContent.localeCompare(y.textContent);
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
  document.addEventListener("DOMContentLoaded", function () { drawCharts(); sortableTables(); });
})();
