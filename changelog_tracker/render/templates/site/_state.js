// The site's filters live in the URL's fragment (#severity=breaking&service=ecs), so a filtered view
// can be shared and survives a reload; each change's fingerprint gets a copy button. This runs before
// the filter script (findings/_filter.js), which then applies the restored selection. A value from the
// URL only selects among the form's own options, and nothing from the URL or a page becomes markup.
(function () {
  "use strict";
  var form = document.getElementById("filters");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name; });
  }

  function restore() {
    var params = new URLSearchParams(location.hash.slice(1));
    fields().forEach(function (el) {
      var wanted = params.getAll(el.name);
      if (el.type === "checkbox") {
        el.checked = !params.has(el.name) || wanted.indexOf(el.value) >= 0;
      } else if (el.tagName === "SELECT") {
        el.value = wanted.length ? wanted[0] : "";
        if (el.selectedIndex < 0) { el.value = ""; }
      }
    });
  }

  function save() {
    var params = new URLSearchParams();
    var boxes = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        boxes[el.name] = boxes[el.name] || [];
        boxes[el.name].push(el);
      } else if (el.tagName === "SELECT" && el.value !== "") {
        params.append(el.name, el.value);
      }
    });
    Object.keys(boxes).forEach(function (name) {
      var on = boxes[name].filter(function (el) { return el.checked; });
      if (on.length === boxes[name].length) { return; }  // all checked: the default, left out
      if (!on.length) { params.append(name, ""); }
      on.forEach(function (el) { params.append(name, el.value); });
    });
    var query = params.toString();
    history.replaceState(null, "", location.href.split("#")[0] + (query ? "#" + query : ""));
  }

  if (form) {
    restore();
    form.addEventListener("change", save);
    window.addEventListener("hashchange", function () {
      restore();
      form.dispatchEvent(new Event("change"));
    });
  }

  function copier(code, fingerprint) {
    return function () {
      var range = document.createRange();
      range.selectNodeContents(code);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      var done = function () { this.textContent = "copied"; }.bind(this);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(fingerprint).then(done, function () { if (document.execCommand("copy")) { done(); } });
      } else if (document.execCommand("copy")) {
        done();
      }
    };
  }

  document.querySelectorAll("tr[data-fingerprint]").forEach(function (row) {
    var fingerprint = row.getAttribute("data-fingerprint");
    var place = row.querySelector(".rule") || row.lastElementChild;
    var code = document.createElement("code");
    code.className = "fingerprint";
    code.title = "fingerprint: accept this change with [[accept]] fingerprint = \"...\" in changelog-tracker.toml";
    code.style.userSelect = "all";
    code.textContent = fingerprint;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "copy";
    button.addEventListener("click", copier(code, fingerprint));
    place.appendChild(document.createTextNode(" \u00b7 "));
    place.appendChild(code);
    place.appendChild(document.createTextNode(" "));
    place.appendChild(button);
  });
})();
