/* fkmap: views that live in the URL (ui/state.py), served locally from assets/.
   - Back/Forward: a popstate bumps the fk-history store; the page callback re-renders the whole
     view (controls, graph, checkboxes) from the URL it lands on.
   - Pan and zoom: user gestures on a graph write zoom=<z>&at=<x>,<y> (the model point at the
     canvas centre) into the URL with replaceState, debounced, so a link reopens the same place.
   - Dragged nodes: their positions go to the fk-layout-moved store; the server keeps them in the
     state store under the view's key (ui/layouts.py), and every later drawing of the view uses them. */
(function () {
  var GRAPHS = ["fk-table-graph", "fk-service-graph"];
  var historyCount = 0;
  var moveCount = 0;

  function setProps(id, props) {
    var dc = window.dash_clientside;
    if (dc && typeof dc.set_props === "function") {
      dc.set_props(id, props);
    }
  }

  window.addEventListener("popstate", function () {
    historyCount += 1;
    setProps("fk-history", {data: {n: historyCount, pathname: location.pathname, search: location.search}});
  });

  function num(v) {
    var text = v.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" || text === "" ? "0" : text;
  }

  /* "?a=1&zoom=..&at=..&present=1" -> [other parts, present parts, zoom, at] */
  function splitSearch(search) {
    var parts = search.replace(/^\?/, "").split("&").filter(function (p) { return p.length > 0; });
    var keep = [], present = [], zoom = null, at = null;
    parts.forEach(function (p) {
      var name = p.split("=")[0];
      if (name === "zoom") { zoom = decodeURIComponent(p.slice(5)); }
      else if (name === "at") { at = decodeURIComponent(p.slice(3)); }
      else if (name === "present") { present.push(p); }
      else { keep.push(p); }
    });
    return {keep: keep, present: present, zoom: zoom, at: at};
  }

  /* The URL's viewport as {zoom, x, y}, or null. */
  function urlViewport() {
    var s = splitSearch(location.search);
    if (s.zoom === null || s.at === null) { return null; }
    var xy = s.at.split(",").map(Number), z = Number(s.zoom);
    if (xy.length !== 2 || !isFinite(z) || !isFinite(xy[0]) || !isFinite(xy[1]) || z <= 0) { return null; }
    return {zoom: z, x: xy[0], y: xy[1], text: num(z) + "|" + num(xy[0]) + "," + num(xy[1])};
  }

  /* Show model point (x, y) at the canvas centre at zoom z. */
  function setViewport(cy, vp) {
    var z = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), vp.zoom));
    cy.viewport({zoom: z, pan: {x: cy.width() / 2 - z * vp.x, y: cy.height() / 2 - z * vp.y}});
    cy.scratch("fkVp", vp.text);
  }

  function alive(cy) {
    return !!cy && !cy.destroyed() && cy.container() !== null;
  }

  /* dash-cytoscape re-runs the graph's layout 100 ms after elements are added or removed (a lodash
     debounce it never cancels). Back/Forward re-render the page and unmount the graph: when that
     comes within those 100 ms (a tap just expanded a service, a draw just replaced the elements),
     the layout runs on the destroyed graph: the batch it sets positions in ends by notifying a
     renderer that is gone ("Cannot read properties of null (reading 'notify')"), and its fit
     measures elements without a renderer. Once per page, on the first graph seen, cy.layout()
     learns to hand a destroyed graph a layout that does nothing. */
  function guardLayouts(cy) {
    var core = Object.getPrototypeOf(cy);
    if (!core || core.fkLayoutGuard || typeof core.layout !== "function") { return; }
    var layout = core.layout;
    core.layout = function () {
      var made = layout.apply(this, arguments);
      if (this.destroyed()) {
        made.run = made.start = made.stop = function () { return made; };
      }
      return made;
    };
    core.fkLayoutGuard = true;
  }

  function findGraphs(fn) {
    GRAPHS.forEach(function (id) {
      var el = document.getElementById(id);
      var cy = el && el._cyreg && el._cyreg.cy;
      if (cy) { fn(cy); }
    });
  }

  /* as soon as Dash mounts a graph (the poll below may come 200 ms later) */
  var guarded = false;
  var watcher = new MutationObserver(function () {
    findGraphs(function (cy) {
      guardLayouts(cy);
      guarded = true;
    });
    if (guarded) { watcher.disconnect(); }
  });
  watcher.observe(document.documentElement, {childList: true, subtree: true});

  function writeViewport(cy) {
    if (!alive(cy)) { return; }
    var z = cy.zoom(), pan = cy.pan();
    var x = (cy.width() / 2 - pan.x) / z, y = (cy.height() / 2 - pan.y) / z;
    var s = splitSearch(location.search);
    var parts = s.keep.concat(["zoom=" + num(z), "at=" + num(x) + "%2C" + num(y)], s.present);
    var search = "?" + parts.join("&");
    cy.scratch("fkVp", num(z) + "|" + num(x) + "," + num(y));
    if (search !== location.search) {
      history.replaceState(history.state, "", location.pathname + search + location.hash);
      /* dcc.Location reads the address again (no new history entry: it already matches) */
      window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    }
  }

  window.fkmapWriteViewport = writeViewport;

  function sendMoves(cy) {
    if (!alive(cy)) { return; }
    var moved = cy.scratch("fkMoved") || {};
    cy.scratch("fkMoved", {});
    if (Object.keys(moved).length === 0) { return; }
    moveCount += 1;
    setProps("fk-layout-moved", {data: {n: moveCount, moved: moved}});
  }

  function hook(cy) {
    if (cy.scratch("fkHooked")) { return; }
    cy.scratch("fkHooked", true);
    cy.scratch("fkMoved", {});
    /* dash-cytoscape's responsive helper measures the graph on every "render" event and never lets
       go: a frame after Back re-rendered the page would measure a destroyed graph (a page error) */
    cy.on("destroy", function () {
      cy.removeListener("render");
      cy.removeListener("resize");
    });
    var vpTimer = null, moveTimer = null;
    cy.on("scrollzoom pinchzoom dragpan", function () {
      cy.scratch("fkGesture", Date.now());
      clearTimeout(vpTimer);
      vpTimer = setTimeout(function () { writeViewport(cy); }, 350);
    });
    cy.on("dragfree", "node", function (evt) {
      var moved = cy.scratch("fkMoved");
      evt.target.union(evt.target.descendants()).forEach(function (n) {
        if (!n.isParent()) {
          var p = n.position();
          moved[n.id()] = [Math.round(p.x * 100) / 100, Math.round(p.y * 100) / 100];
        }
      });
      clearTimeout(moveTimer);
      moveTimer = setTimeout(function () { sendMoves(cy); }, 250);
    });
  }

  /* Saved positions and the URL's viewport for a freshly drawn table graph (fkmap.js drawGraph).
     Returns true when it set the viewport. */
  window.fkmapPlace = function (cy, payload) {
    var saved = payload.saved || {};
    var ids = Object.keys(saved);
    if (ids.length) {
      cy.batch(function () {
        ids.forEach(function (id) {
          var n = cy.getElementById(id);
          if (n.nonempty() && !n.isParent()) { n.position(saved[id]); }
        });
      });
    }
    hook(cy);
    if (payload.viewport) {
      var v = payload.viewport;
      setViewport(cy, {zoom: v[0], x: v[1], y: v[2], text: num(v[0]) + "|" + num(v[1]) + "," + num(v[2])});
      return true;
    }
    cy.scratch("fkVp", null);
    return false;
  };

  /* True when the graph shows the viewport vp (zoom within Cytoscape's limits, centre within half a pixel). */
  function shows(cy, vp) {
    var z = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), vp.zoom));
    var pan = cy.pan();
    return Math.abs(cy.zoom() - z) <= 1e-3 * z &&
      Math.abs(cy.width() / 2 - z * vp.x - pan.x) < 0.5 && Math.abs(cy.height() / 2 - z * vp.y - pan.y) < 0.5;
  }

  /* Hook both graphs once drawn, and keep them on the URL's viewport: the overview is drawn by the
     component itself, and a container that resizes after drawing makes the component refit. A gesture
     in progress (its URL not written yet) is left alone. */
  setInterval(function () {
    findGraphs(function (cy) {
      guardLayouts(cy);
      if (!alive(cy) || cy.nodes().length === 0 || cy.width() === 0) { return; }
      hook(cy);
      var vp = urlViewport();
      var busy = Date.now() - (cy.scratch("fkGesture") || 0) < 1500;
      if (vp && !busy && !shows(cy, vp)) { setViewport(cy, vp); }
    });
  }, 200);
})();
