// Sortable tables: a header button sorts by that column's data-v (numbers by value, text
// by locale), largest first for numbers on the first click; again to reverse. With
// `#selftest` in the URL the page sorts the territory table itself and writes the outcome
// into #selftest (the browser test reads it).
(function () {
  function value(row, i, numeric) {
    var cell = row.cells[i];
    var v = cell ? cell.getAttribute("data-v") : "";
    if (v === null) { v = cell.textContent; }
    if (!numeric) { return v; }
    return v === "" ? -Infinity : parseFloat(v);
  }
  function sortBy(table, col, dir) {
    var th = table.tHead.rows[0].cells[col];
    var numeric = th.getAttribute("data-type") === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, col, numeric), y = value(b, col, numeric);
      var r = numeric ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y));
      return dir * r || a.getAttribute("data-i") - b.getAttribute("data-i");
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) {
      c.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
  }
  function setUp(table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) {
      r.setAttribute("data-i", String(i));
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        var first = th.getAttribute("data-type") === "num" ? -1 : 1;
        sortBy(table, col, now === null ? first : now === "ascending" ? -1 : 1);
      });
    });
  }
  function column(table, name) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].getAttribute("data-col") === name) { return i; }
    }
    throw new Error("no column " + name);
  }
  function ordered(table, col, numeric, dir) {
    var rows = table.tBodies[0].rows;
    for (var i = 1; i < rows.length; i++) {
      var a = value(rows[i - 1], col, numeric), b = value(rows[i], col, numeric);
      var r = numeric ? (a < b ? -1 : a > b ? 1 : 0) : String(a).localeCompare(String(b));
      if (dir * r > 0) { return false; }
    }
    return true;
  }
  function selfTest() {
    var out = document.getElementById("selftest");
    var table = document.getElementById("t-territory");
    if (!table) { out.textContent = "selftest: no territory table"; return; }
    var g = column(table, "gross"), k = column(table, "key");
    var click = function (col) { table.tHead.rows[0].cells[col].querySelector("button").click(); };
    var steps = [];
    click(g); steps.push(ordered(table, g, true, -1) ? "gross desc ok" : "gross desc FAIL");
    click(g); steps.push(ordered(table, g, true, 1) ? "gross asc ok" : "gross asc FAIL");
    click(k); steps.push(ordered(table, k, false, 1) ? "territory asc ok" : "territory asc FAIL");
    var failed = steps.some(function (s) { return s.indexOf("FAIL") >= 0; });
    out.setAttribute("data-result", failed ? "fail" : "ok");
    out.textContent = "selftest " + (failed ? "failed" : "ok") + " (" +
      table.tBodies[0].rows.length + " rows): " + steps.join(", ");
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), setUp);
    if (location.hash === "#selftest") { selfTest(); }
  });
})();
