/* fkmap: keys of the table search ("/" focuses it, Esc clears it, arrows walk the matches),
   the dark-mode switch, and the table graph's minimap. Ids follow ui/ids.py. */
(function () {
  "use strict";

  /* Set an input's value the way typing does, so React (and Dash) see the change. */
  function fkSetInput(input, value) {
    var setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, value);
    input.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  document.addEventListener("keydown", function (e) {
    var box = document.getElementById("fk-focus-search");
    if (!box) { return; }
    var active = document.activeElement;
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(active)) {
      e.preventDefault();
      box.focus();
      box.select();
      return;
    }
    var results = Array.prototype.slice.call(document.querySelectorAll("#fk-focus-results button"));
    var inResults = results.indexOf(active);
    if (e.key === "Escape" && (active === box || inResults >= 0)) {
      e.preventDefault();
      if (box.value) {
        fkSetInput(box, "");
        box.focus();
      } else {
        var clear = document.getElementById("fk-focus-clear");
        if (clear && !clear.hidden) { clear.click(); }
      }
      return;
    }
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && (active === box || inResults >= 0) && results.length) {
      e.preventDefault();
      var next = e.key === "ArrowDown" ? inResults + 1 : inResults - 1;
      if (next < 0) { box.focus(); } else { results[Math.min(next, results.length - 1)].focus(); }
    }
  });

  /* ---------------------------------------------------------------------------- dark mode */
  var THEME_KEY = "fkmap-theme";
  var GRAPHS = ["fk-table-graph", "fk-service-graph"];

  function isDark() {
    return document.documentElement.classList.contains("dark");
  }

  function hex(v) {  /* "rgb(255, 255, 255)" or "#FFF" -> "#ffffff"; anything else unchanged */
    if (typeof v !== "string") { return v; }
    var s = v.trim().toLowerCase();
    var m = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(s);
    if (m) {
      return "#" + [m[1], m[2], m[3]].map(function (x) { return ("0" + (+x).toString(16)).slice(-2); }).join("");
    }
    if (/^#[0-9a-f]{3}$/.test(s)) { return "#" + s[1] + s[1] + s[2] + s[2] + s[3] + s[3]; }
    return s;
  }

  function swaps() {
    var btn = document.getElementById("fk-theme-toggle");
    try { return JSON.parse((btn && btn.getAttribute("data-swaps")) || "{}"); } catch (e) { return {}; }
  }

  /* The same rules with every light colour swapped (ui/dark.py: dark_stylesheet). */
  function darken(sheet) {
    var map = swaps();
    return (sheet || []).map(function (rule) {
      var style = {};
      Object.keys(rule.style || {}).forEach(function (k) {
        var v = rule.style[k];
        style[k] = Object.prototype.hasOwnProperty.call(map, hex(v)) ? map[hex(v)] : v;
      });
      return {selector: rule.selector, style: style};
    });
  }

  /* dash-cytoscape hands a graph every new stylesheet as cy.style().fromJson(json).update():
     keep the light one, hand the graph the dark copy while dark mode is on. */
  function themeGraph(cy) {
    var style = cy.style();
    if (!style || style.fkThemed) { return; }
    var original = style.fromJson;
    style.fkThemed = true;
    if (!cy.scratch("fkLight")) { cy.scratch("fkLight", style.json()); }
    style.fromJson = function (sheet) {
      cy.scratch("fkLight", sheet);
      return original.call(style, isDark() ? darken(sheet) : sheet);
    };
    cy.scratch("fkPaint", function (dark) {
      var light = cy.scratch("fkLight");
      original.call(style, dark ? darken(light) : light).update();
    });
    cy.scratch("fkRestyle", function () { cy.scratch("fkPaint")(isDark()); });
    if (isDark()) { cy.scratch("fkRestyle")(); }
  }

  function eachGraph(fn) {
    GRAPHS.forEach(function (id) {
      var el = document.getElementById(id);
      var cy = el && el._cyreg && el._cyreg.cy;
      if (cy) { fn(cy); }
    });
  }

  function applyTheme(dark) {
    document.documentElement.classList.toggle("dark", dark);
    if (document.body) { document.body.setAttribute("data-ag-theme-mode", dark ? "dark" : "light"); }
    var btn = document.getElementById("fk-theme-toggle");
    if (btn) {
      btn.textContent = dark ? "Light mode" : "Dark mode";
      btn.setAttribute("aria-pressed", dark ? "true" : "false");
    }
    eachGraph(function (cy) {
      themeGraph(cy);
      cy.scratch("fkRestyle")();
    });
    document.dispatchEvent(new CustomEvent("fkmap-theme", {detail: {dark: dark}}));
  }

  /* Pictures of a graph (fkmap.js: fkImage) are made on a white page: draw them in the light colours
     even while the screen is dark, then go back. */
  if (typeof window.fkImage === "function") {
    var lightImage = window.fkImage;
    window.fkImage = function (cy) {
      var paint = cy && cy.scratch && cy.scratch("fkPaint");
      if (!isDark() || !paint) { return lightImage.apply(this, arguments); }
      paint(false);
      try { return lightImage.apply(this, arguments); } finally { paint(true); }
    };
  }

  var saved = null;
  try { saved = window.localStorage.getItem(THEME_KEY); } catch (e) { saved = null; }
  document.documentElement.classList.toggle("dark", saved === "dark");

  document.addEventListener("click", function (e) {
    var btn = e.target && e.target.closest && e.target.closest("#fk-theme-toggle");
    if (!btn) { return; }
    var dark = !isDark();
    try { window.localStorage.setItem(THEME_KEY, dark ? "dark" : "light"); } catch (err) { /* private mode */ }
    applyTheme(dark);
  });

  /* Graphs and the header appear when Dash renders a page: theme them as they come. */
  var pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      eachGraph(themeGraph);
      var btn = document.getElementById("fk-theme-toggle");
      if (btn && btn.getAttribute("aria-pressed") !== (isDark() ? "true" : "false")) { applyTheme(isDark()); }
    });
  }).observe(document.documentElement, {childList: true, subtree: true});

  /* ------------------------------------------------------------------------------ minimap */
  /* A small canvas over the table graph's corner: every table as a dot in its service's colour,
     the clusters as outlines, the visible part as a rectangle. The dots are drawn once per change
     of the elements (into a cached layer), the rectangle on every pan or zoom; a click or a drag
     on the minimap centres the graph there. data-view carries the rectangle for tests. */
  function hookMinimap() {
    var el = document.getElementById("fk-table-graph");
    var cy = el && el._cyreg && el._cyreg.cy;
    var canvas = document.getElementById("fk-minimap");
    if (!cy || !canvas || canvas.fkCy === cy) { return; }
    canvas.fkCy = cy;
    var ratio = window.devicePixelRatio || 1;
    var W = canvas.clientWidth || 180, H = canvas.clientHeight || 120;
    canvas.width = Math.round(W * ratio);
    canvas.height = Math.round(H * ratio);
    var layer = document.createElement("canvas");
    layer.width = canvas.width;
    layer.height = canvas.height;
    var map = {x1: 0, y1: 0, scale: 1, ox: 0, oy: 0, ok: false};
    var dirty = true, queued = false;

    function measure() {
      var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
      cy.nodes().forEach(function (n) {
        var b;
        if (n.isParent()) {  /* a compound cluster: its box around the tables, padding included */
          b = n.boundingBox({includeLabels: false});
        } else {
          var p = n.position(), w = n.data("cw") || 18, h = n.data("ch") || 18;
          b = {x1: p.x - w / 2, y1: p.y - h / 2, x2: p.x + w / 2, y2: p.y + h / 2};
        }
        x1 = Math.min(x1, b.x1); y1 = Math.min(y1, b.y1);
        x2 = Math.max(x2, b.x2); y2 = Math.max(y2, b.y2);
      });
      if (!isFinite(x1)) { map.ok = false; return; }
      var pad = 6, scale = Math.min((W - 2 * pad) / Math.max(x2 - x1, 1), (H - 2 * pad) / Math.max(y2 - y1, 1));
      map = {x1: x1, y1: y1, scale: scale, ox: (W - scale * (x2 - x1)) / 2, oy: (H - scale * (y2 - y1)) / 2, ok: true};
    }
    function toMap(x, y) { return [map.ox + (x - map.x1) * map.scale, map.oy + (y - map.y1) * map.scale]; }

    function drawLayer() {
      measure();
      var g = layer.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.clearRect(0, 0, W, H);
      if (!map.ok) { return; }
      cy.nodes(".cluster").forEach(function (c) {
        var b = c.isParent() ? c.boundingBox({includeLabels: false}) : null;
        if (!b && c.data("cw")) {
          var p = c.position(), w = c.data("cw"), h = c.data("ch");
          b = {x1: p.x - w / 2, y1: p.y - h / 2, w: w, h: h};
        }
        if (!b) { return; }
        var a = toMap(b.x1, b.y1);
        g.strokeStyle = c.data("colour") || "#888";
        g.lineWidth = 1;
        g.strokeRect(a[0], a[1], Math.max(b.w * map.scale, 2), Math.max(b.h * map.scale, 2));
      });
      var dot = Math.max(1.5, Math.min(4, 18 * map.scale));
      cy.nodes(".table").forEach(function (n) {
        var p = n.position(), a = toMap(p.x, p.y);
        g.fillStyle = n.data("colour") || "#888";
        g.fillRect(a[0] - dot / 2, a[1] - dot / 2, dot, dot);
      });
    }

    function draw() {
      var g = canvas.getContext("2d");
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, canvas.width, canvas.height);
      canvas.parentElement.classList.toggle("empty", !map.ok);
      if (!map.ok) { return; }
      g.drawImage(layer, 0, 0);
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      var e = cy.extent(), a = toMap(e.x1, e.y1), b = toMap(e.x2, e.y2);
      var css = getComputedStyle(canvas);
      g.strokeStyle = css.getPropertyValue("--accent").trim() || "#2f5d9e";
      g.lineWidth = 2;
      g.strokeRect(a[0], a[1], b[0] - a[0], b[1] - a[1]);
      canvas.setAttribute("data-view", [a[0], a[1], b[0], b[1]].map(function (v) { return v.toFixed(1); }).join(","));
    }

    function schedule(changed) {
      dirty = dirty || changed;
      if (queued) { return; }
      queued = true;
      requestAnimationFrame(function () {
        queued = false;
        if (cy.destroyed()) { return; }  /* Back unmounted the graph since the change */
        if (dirty) { drawLayer(); dirty = false; }
        draw();
      });
    }

    function centreAt(e) {
      if (!map.ok) { return; }
      var r = canvas.getBoundingClientRect();
      var mx = (e.clientX - r.left) * (W / r.width), my = (e.clientY - r.top) * (H / r.height);
      var x = map.x1 + (mx - map.ox) / map.scale, y = map.y1 + (my - map.oy) / map.scale;
      cy.pan({x: cy.width() / 2 - x * cy.zoom(), y: cy.height() / 2 - y * cy.zoom()});
    }
    var dragging = false;
    canvas.addEventListener("pointerdown", function (e) {
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
      centreAt(e);
    });
    canvas.addEventListener("pointermove", function (e) { if (dragging) { centreAt(e); } });
    canvas.addEventListener("pointerup", function () { dragging = false; });
    cy.on("add remove position", function () { schedule(true); });
    cy.on("viewport resize", function () { schedule(false); });
    document.addEventListener("fkmap-theme", function () { schedule(false); });
    schedule(true);
  }

  /* ------------------------------------------------------------------------------ hover */
  /* Hovering a table, a service or an arrow names it in a small tip by the pointer (text only);
     a click shows the whole explanation in the details panel. */
  function hoverText(ele) {
    var d = ele.data();
    if (ele.isNode()) {
      if (d.kind === "table") { return [d.label, d.service ? "service: " + d.service : "", "click for details"]; }
      return [String(d.label || d.service || "").split("\n")[0]];
    }
    var s = ele.source().data(), t = ele.target().data();
    var ends = (s.label || s.service || "").split("\n")[0] + " \u2192 " + (t.label || t.service || "").split("\n")[0];
    var what = d.count ? d.count + " FK" + (d.count > 1 ? "s" : "") + ", worst ON DELETE " + d.on_delete
      : (d.on_delete ? "ON DELETE " + d.on_delete + (d.cross ? ", cross-service" : "") : "");
    return [ends, what, d.on_delete ? "click for details" : ""];
  }

  function hookHover(cy) {
    if (cy.scratch("fkHover")) { return; }
    cy.scratch("fkHover", true);
    var tip = document.getElementById("fk-hover-tip");
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "fk-hover-tip";
      tip.className = "hover-tip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    cy.on("mouseover", "node.table, node.service, edge", function (e) {
      tip.textContent = "";
      hoverText(e.target).filter(Boolean).forEach(function (line, i) {
        var div = document.createElement("div");
        div.textContent = line;
        if (i > 0) { div.className = "muted"; }
        tip.appendChild(div);
      });
      var r = cy.container().getBoundingClientRect(), p = e.renderedPosition || {x: 0, y: 0};
      tip.style.left = Math.round(r.left + p.x + 14 + window.scrollX) + "px";
      tip.style.top = Math.round(r.top + p.y + 14 + window.scrollY) + "px";
      tip.classList.add("shown");
    });
    cy.on("mouseout viewport tapstart", function () { tip.classList.remove("shown"); });
  }

  new MutationObserver(function () { requestAnimationFrame(function () { hookMinimap(); eachGraph(hookHover); }); })
    .observe(document.documentElement, {childList: true, subtree: true});

  window.fkmapInspect = {setInput: fkSetInput, applyTheme: applyTheme, darken: darken};
})();
