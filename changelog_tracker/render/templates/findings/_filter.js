// Hides rows that fail the filters. Rows carry their values as JSON arrays in data-* attributes;
// the filter names come from the page's JSON data block: nothing here is built from page text.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var form = document.getElementById("filters");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-filter-row]"));

  function selection() {
    var want = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) { return; }
      if (el.type === "checkbox") {
        want[el.name] = want[el.name] || [];
        if (el.checked) { want[el.name].push(el.value); }
      } else if (el.tagName === "SELECT" && el.value !== "") {
        want[el.name] = [el.value];
      }
    });
    return want;
  }

  function passes(row, want) {
    return data.filters.every(function (name) {
      if (!want[name]) { return true; }
      var values = JSON.parse(row.getAttribute("data-" + name) || "[]");
      return values.some(function (v) { return want[name].indexOf(v) >= 0; });
    });
  }

  function apply() {
    var want = selection();
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = !passes(row, want);
      if (!row.hidden) { shown += 1; }
    });
    document.querySelectorAll("[data-filter-group]").forEach(function (group) {
      group.hidden = !group.querySelector("[data-filter-row]:not([hidden])");
    });
    document.getElementById("shown").textContent = String(shown);
  }

  form.addEventListener("change", apply);
  apply();
})();
