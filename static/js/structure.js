/* The course structure tree: keeps keyboard focus in place when htmx re-renders the tree, and
   adds drag-and-drop reordering. Without this file everything still works: the Move buttons post
   plain forms and the page reloads at the item that moved. */
(function () {
  "use strict";

  var lastActionWasMove = false;
  var dragged = null;
  var startOrder = "";

  function tree() {
    return document.getElementById("structure");
  }

  function idsOf(list) {
    var ids = [];
    for (var i = 0; i < list.children.length; i++) {
      var id = list.children[i].getAttribute("data-id");
      if (id) ids.push(id);
    }
    return ids;
  }

  function enhance() {
    var root = tree();
    if (!root) return;
    var hint = root.querySelector(".tree-drag-hint");
    if (hint) hint.hidden = false;
    root.querySelectorAll("[data-reorder]").forEach(function (list) {
      for (var i = 0; i < list.children.length; i++) {
        if (list.children[i].hasAttribute("data-id")) list.children[i].setAttribute("draggable", "true");
      }
    });
  }

  /* htmx moves focus back to the element that had it when that element has an id and is still
     there. When it is not (an Add button, a Move button now disabled), focus the item the server
     says changed, so a keyboard user can carry on from where they were. */
  function restoreFocus() {
    var root = tree();
    if (!root) return;
    var active = document.activeElement;
    if (active && active !== document.body && root.contains(active)) return;
    var item = document.getElementById(root.getAttribute("data-focus") || "");
    if (!item) return;
    var target = null;
    if (lastActionWasMove) {
      target = item.querySelector(".tree-row .tree-move button:not([disabled])");
    }
    if (!target) target = item.querySelector("[data-focus-target]");
    if (target) target.focus();
  }

  function focusFromHash() {
    var match = /^#((?:module|lesson)-\d+)$/.exec(window.location.hash);
    var item = match && document.getElementById(match[1]);
    var target = item && item.querySelector("[data-focus-target]");
    if (target) target.focus();
  }

  function submitOrder(list, order) {
    var form = list.nextElementSibling;
    if (!form || !form.hasAttribute("data-reorder-form")) return;
    form.querySelectorAll('input[name="order"]').forEach(function (input) { input.remove(); });
    order.forEach(function (id) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = id;
      form.appendChild(input);
    });
    tree().classList.add("is-saving");
    form.requestSubmit();
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    lastActionWasMove = Boolean(active && active.closest && active.closest(".tree-move"));
  });

  document.addEventListener("htmx:afterSettle", function () {
    enhance();
    restoreFocus();
  });

  document.addEventListener("dragstart", function (event) {
    var item = event.target;
    if (!(item instanceof HTMLElement) || !item.hasAttribute("data-id") || !tree()) return;
    if (!tree().contains(item)) return;
    dragged = item;
    startOrder = idsOf(item.parentElement).join(",");
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-id"));
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged || !(event.target instanceof Element)) return;
    var over = event.target.closest("[data-id]");
    while (over && over.parentElement !== dragged.parentElement) {
      over = over.parentElement.closest("[data-id]");
    }
    if (!over) return;
    event.preventDefault();
    if (over === dragged) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentElement;
    dragged.classList.remove("is-dragging");
    dragged = null;
    var order = idsOf(list);
    if (order.join(",") !== startOrder) submitOrder(list, order);
  });

  function ready() {
    enhance();
    focusFromHash();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
