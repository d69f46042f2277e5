// Quiz editor: "add another" for answer rows. Without JavaScript the form offers blank rows
// instead, so everything here is an enhancement.
(function () {
  "use strict";

  function addRow(prefix, button) {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-template");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    if (!row) return;
    rows.appendChild(row);
    total.value = String(index + 1);
    if (max && index + 1 >= parseInt(max.value, 10)) button.hidden = true;
    var first = row.querySelector("input:not([type=hidden]):not([type=radio]), textarea, select");
    if (first) first.focus();
  }

  function init() {
    var buttons = document.querySelectorAll("[data-add-row]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        addRow(button.getAttribute("data-add-row"), button);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
