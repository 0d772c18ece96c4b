/* Dutch texts for what Datasette's and its plugins' scripts write into a page: the column menus
   of datasette/static/table.js, the filter rows' remove button, the map controls of Leaflet and
   datasette-cluster-map. Their texts are fixed English strings without a hook to translate
   them, so this script replaces them wherever they appear (now or later). */
(function () {
  "use strict";
  var TEXTS = {
    "Sort ascending": "Oplopend sorteren",
    "Sort descending": "Aflopend sorteren",
    "Facet by this": "Filteren op deze kolom",
    "Hide this column": "Deze kolom verbergen",
    "Show all columns": "Alle kolommen tonen",
    "Show not-blank rows": "Alleen ingevulde rijen tonen",
    "Remove this filter": "Dit filter weghalen",
    "Zoom in": "Inzoomen",
    "Zoom out": "Uitzoomen",
    "load all": "alles laden",
    "pause": "pauzeren",
    "Close popup": "Venster sluiten",
    "A JS library for interactive maps": "Een JavaScript-bibliotheek voor kaarten",
    "Layers": "Kaartlagen"
  };
  /* The roles Vega gives the parts of a chart (only in aria-roledescription). */
  var ROLES = {
    "visualization": "grafiek",
    "axis": "as",
    "legend": "legenda",
    "title": "titel",
    "bar": "staaf",
    "rect": "rechthoek",
    "line": "lijn",
    "area": "vlak",
    "point": "punt",
    "circle": "punt",
    "square": "vierkant",
    "arc": "taartpunt",
    "text": "tekst",
    "tick": "streepje",
    "rule": "lijn",
    "image": "afbeelding"
  };
  /* The descriptions Vega writes for axes and legends (aria-label). */
  function values(text) {
    var range = text.match(/^values from (.+) to (.+)$/);
    if (range) return "waarden van " + range[1] + " tot " + range[2];
    var list = text.match(/^(\d+) values?: (.*?)(?:, ending with (.*))?$/);
    if (list) {
      return list[1] + (list[1] === "1" ? " waarde: " : " waarden: ") + list[2] +
        (list[3] ? ", als laatste " + list[3] : "");
    }
    return text;
  }
  var PATTERNS = [
    [/^Type: ([A-Z]+)( NOT NULL)?$/, function (m, type, notNull) {
      var kind = {TEXT: "tekst", INTEGER: "heel getal", REAL: "getal", FLOAT: "getal",
                  BLOB: "bestand"}[type] || type.toLowerCase();
      return "Soort gegevens: " + kind + (notNull ? ", altijd ingevuld" : "");
    }],
    [/^Showing ([\d.,]+) of ([\d.,]+)(.*)$/, function (m, count, total, rest) {
      return count + " van " + total + rest;
    }],
    [/^(\w+ )?mark container$/, function () { return "groep"; }],
    [/^([XY])-axis(?: titled '(.*)')? for an? [\w-]+ scale with (.*)$/,
      function (m, axis, title, rest) {
        return axis + "-as" + (title ? " '" + title + "'" : "") + " met " + values(rest);
      }],
    [/^(?:Symbol|Gradient|Discrete) legend(?: titled '(.*)')? for [\w ,]+? with (.*)$/,
      function (m, title, rest) {
        return "Legenda" + (title ? " '" + title + "'" : "") + " met " + values(rest);
      }]
  ];
  var ATTRIBUTES = ["title", "aria-label", "aria-roledescription", "placeholder", "alt"];

  function dutch(text, attribute) {
    var trimmed = text.trim();
    if (!trimmed) return null;
    if (attribute === "aria-roledescription" &&
        Object.prototype.hasOwnProperty.call(ROLES, trimmed)) {
      return ROLES[trimmed];
    }
    if (Object.prototype.hasOwnProperty.call(TEXTS, trimmed)) {
      return text.replace(trimmed, TEXTS[trimmed]);
    }
    for (var i = 0; i < PATTERNS.length; i++) {
      var match = trimmed.match(PATTERNS[i][0]);
      if (match) return text.replace(trimmed, PATTERNS[i][1].apply(null, match));
    }
    return null;
  }

  function translate(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      var found = dutch(root.nodeValue);
      if (found !== null && found !== root.nodeValue) root.nodeValue = found;
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE || root.tagName === "SCRIPT" ||
        root.tagName === "STYLE") return;
    ATTRIBUTES.forEach(function (name) {
      var value = root.getAttribute(name);
      var found = value && dutch(value, name);
      if (found && found !== value) root.setAttribute(name, found);
    });
    for (var child = root.firstChild; child; child = child.nextSibling) translate(child);
  }

  function start() {
    translate(document.body);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "characterData") translate(change.target);
        else if (change.type === "attributes") translate(change.target);
        else change.addedNodes.forEach(translate);
      });
    }).observe(document.body, {childList: true, subtree: true, characterData: true,
                               attributes: true, attributeFilter: ATTRIBUTES});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
