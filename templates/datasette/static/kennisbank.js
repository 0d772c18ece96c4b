/* Kennisbank Marketing: keyboard access and names for the controls that Datasette and its plugins
   add with JavaScript (pipeline/catalogue/plugins/dutch_pages.py loads this file on every page).
   - the column menus of Datasette's tables (table.js): a cog that Tab reaches and Enter opens;
   - the menu of each chart (vega-embed in datasette-dashboards): a name for its summary;
   - the map (datasette-cluster-map, Leaflet): every marker named after its library;
   - the filter controls of Datasette's own table pages: a label each;
   - the "Filters" button of the actions list: open again when the screen becomes wide. */
(function () {
  "use strict";

  function text(node) {
    return (node.textContent || "").replace(/\s+/g, " ").trim();
  }

  /* ---------------------------------------------------------- column menus (Datasette's table.js) */
  function visibleMenuLinks() {
    var menu = document.querySelector(".dropdown-menu");
    if (!menu || menu.style.display === "none") return [];
    return Array.prototype.filter.call(menu.querySelectorAll("a"), function (a) {
      return a.parentNode.style.display !== "none";
    });
  }

  function closeMenu(icon) {
    var menu = document.querySelector(".dropdown-menu");
    if (menu) menu.style.display = "none";
    if (icon) {
      icon.setAttribute("aria-expanded", "false");
      icon.focus();
    }
  }

  function columnMenus() {
    var icons = document.querySelectorAll("th svg.dropdown-menu-icon");
    Array.prototype.forEach.call(icons, function (icon) {
      if (icon.hasAttribute("tabindex")) return;
      var th = icon.closest("th");
      var link = th.querySelector("a");
      var label = text(link || th).replace(/[▲▼]/g, "").trim();
      icon.setAttribute("tabindex", "0");
      icon.setAttribute("role", "button");
      icon.setAttribute("aria-haspopup", "true");
      icon.setAttribute("aria-expanded", "false");
      icon.setAttribute("aria-label", "Kolommenu " + label);
      icon.setAttribute("focusable", "true");
      icon.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        icon.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        icon.setAttribute("aria-expanded", "true");
        var links = visibleMenuLinks();
        if (links.length) links[0].focus();
        var menu = document.querySelector(".dropdown-menu");
        menu.kbIcon = icon;
      });
    });
    var menu = document.querySelector(".dropdown-menu");
    if (!menu || menu.kbKeys) return;
    menu.kbKeys = true;
    menu.setAttribute("role", "group");
    menu.setAttribute("aria-label", "Kolommenu");
    menu.addEventListener("keydown", function (event) {
      var links = visibleMenuLinks();
      var at = links.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        closeMenu(menu.kbIcon);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : links.length - 1;
        if (links.length) links[(at + step) % links.length].focus();
      } else if (event.key === "Tab" && ((event.shiftKey && at === 0) ||
                                         (!event.shiftKey && at === links.length - 1))) {
        event.preventDefault();
        closeMenu(menu.kbIcon);
      }
    });
  }

  /* ---------------------------------------------------------- charts (vega-embed) */
  function chartMenus(root) {
    var summaries = root.querySelectorAll(".vega-embed summary:not([aria-label])");
    Array.prototype.forEach.call(summaries, function (summary) {
      var card = summary.closest(".dashboard-card");
      var title = card && (card.querySelector(".dashboard-card-title a") ||
                           card.querySelector(".dashboard-card-title"));
      summary.setAttribute("aria-label", "Menu van de grafiek" + (title ? " " + text(title) : ""));
    });
  }

  /* ---------------------------------------------------------- the map (Leaflet) */
  function popupName(content) {
    var box = document.createElement("div");
    box.innerHTML = typeof content === "string" ? content : "";
    var strong = box.querySelector("strong");
    return text(strong || box);
  }

  function namedMarkers() {
    if (!window.L || !L.Marker || L.Marker.prototype.kbNamed) return;
    L.Marker.prototype.kbNamed = true;
    var bindPopup = L.Marker.prototype.bindPopup;
    L.Marker.prototype.bindPopup = function (content, options) {
      var name = popupName(content);
      if (name && !this.options.alt) {
        this.options.alt = name;
        this.options.title = name;
      }
      return bindPopup.call(this, content, options);
    };
  }

  function mapMarkers(root) {
    var icons = root.querySelectorAll(".leaflet-marker-icon:not([role])");
    Array.prototype.forEach.call(icons, function (icon) {
      icon.setAttribute("role", "button");
      if (icon.classList.contains("marker-cluster")) {
        var count = text(icon);
        icon.setAttribute("aria-label", count + " bibliotheken: inzoomen");
        icon.setAttribute("title", count + " bibliotheken: inzoomen");
      }
    });
  }

  /* ---------------------------------------------------------- Datasette's own filter form */
  var FILTER_LABELS = [
    ["select[name^='_filter_column']", "Kolom"],
    ["select[name^='_filter_op']", "Vergelijking"],
    ["input.filter-value", "Waarde"],
    ["select[name='_sort']", "Sorteren op"],
    ["select[name='_sort_by_desc'], input[name='_sort_by_desc']", "Aflopend sorteren"]
  ];

  function filterLabels() {
    FILTER_LABELS.forEach(function (pair) {
      Array.prototype.forEach.call(document.querySelectorAll(pair[0]), function (control) {
        var labelled = control.getAttribute("aria-label") || control.labels && control.labels.length;
        if (!labelled) control.setAttribute("aria-label", pair[1]);
      });
    });
  }

  /* ---------------------------------------------------------- the "Filters" button */
  function filtersButton() {
    var filters = document.getElementById("kb-filters");
    if (!filters || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 900px)");
    var follow = function () { if (!narrow.matches) filters.open = true; };
    if (narrow.addEventListener) narrow.addEventListener("change", follow);
  }

  function whenChanged(mutations) {
    mutations.forEach(function (mutation) {
      Array.prototype.forEach.call(mutation.addedNodes, function (node) {
        if (node.nodeType !== 1) return;
        if (node.classList.contains("leaflet-container") || node.querySelector(".leaflet-container")) {
          namedMarkers();
        }
      });
    });
    chartMenus(document);
    mapMarkers(document);
  }

  document.addEventListener("DOMContentLoaded", function () {
    // table.js (deferred) has added its column icons by now.
    columnMenus();
    filterLabels();
    filtersButton();
    namedMarkers();
    chartMenus(document);
    new MutationObserver(whenChanged).observe(document.body, { childList: true, subtree: true });
  });
})();
