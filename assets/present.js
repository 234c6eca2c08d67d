/* fkmap: presentation mode (?present=1) on a projector, served locally from assets/.
   - No label is drawn smaller than MIN_PX on screen: a label whose font size times the zoom is
     below it gets the class fk-tiny (ui/theme.py: text-opacity 0) until the view zooms in again.
     Cytoscape's own min-zoomed-font-size rounds the zoom up to a power of two, so it lets labels
     of half that size through.
   - The overview opens close enough to read its smallest node labels (READABLE_PX, as the table
     graph: ui/pages/tables_graph.py READABLE_PX): a service just expanded is shown whole when it
     fits, else from its top left corner; the rest of the graph is a pan away. A link with a
     viewport (zoom=, at=) is left alone. */
(function () {
  var MIN_PX = 12;
  var READABLE_PX = 12.5;
  var GRAPHS = ["fk-table-graph", "fk-service-graph"];

  function presenting() {
    var values = new URLSearchParams(location.search).getAll("present");
    return values.length > 0 && ["1", "true", "yes", "on"].indexOf(values[values.length - 1]) >= 0;
  }

  function hasViewport() {
    var q = new URLSearchParams(location.search);
    return q.has("zoom") && q.has("at");
  }

  function alive(cy) {
    return !!cy && !cy.destroyed() && cy.container() !== null;
  }

  function fontOf(ele) {
    return ele.pstyle("font-size").pfValue;
  }

  /* Labelled elements grouped by font size: {size: collection}. */
  function groups(cy) {
    var found = {};
    cy.elements().forEach(function (ele) {
      var label = ele.data("label");
      if (label === undefined || label === null || label === "") { return; }
      var size = fontOf(ele);
      (found[size] = found[size] || []).push(ele);
    });
    Object.keys(found).forEach(function (size) { found[size] = cy.collection(found[size]); });
    return found;
  }

  /* Hide (or show again) the labels that the current zoom draws below MIN_PX. */
  function guard(cy) {
    if (!alive(cy)) { return; }
    var on = presenting();
    var sig = on + "|" + cy.elements().length;
    if (sig !== cy.scratch("fkGuardSig")) {
      cy.scratch("fkGuardSig", sig);
      cy.scratch("fkGuardGroups", on ? groups(cy) : {});
      cy.scratch("fkGuardZoom", null);
      cy.scratch("fkGuardStates", {});
      cy.elements(".fk-tiny").removeClass("fk-tiny");
    }
    var zoom = cy.zoom();
    if (!on || zoom === cy.scratch("fkGuardZoom")) { return; }
    cy.scratch("fkGuardZoom", zoom);
    var found = cy.scratch("fkGuardGroups"), states = cy.scratch("fkGuardStates") || {};
    cy.batch(function () {
      Object.keys(found).forEach(function (size) {
        var tiny = parseFloat(size) * zoom < MIN_PX - 1e-9;
        if (states[size] !== tiny) {
          states[size] = tiny;
          found[size].toggleClass("fk-tiny", tiny);
        }
      });
    });
    cy.scratch("fkGuardStates", states);
  }

  /* The overview just laid out (fitted) in presentation mode: zoom in until its smallest node
     labels are READABLE_PX, on the newest expanded service (or the first, or the middle). */
  function readableOverview(cy) {
    if (!alive(cy) || !presenting() || hasViewport()) { return; }
    var labelled = cy.nodes().filter(function (n) { return !!n.data("label"); });
    if (labelled.length === 0) { return; }
    var smallest = Math.min.apply(null, labelled.map(fontOf));
    var readable = Math.min(cy.maxZoom(), READABLE_PX / smallest);
    var before = cy.scratch("fkClusters") || [];
    var clusters = cy.nodes(".cluster").map(function (n) { return n.id(); });
    cy.scratch("fkClusters", clusters);
    if (cy.zoom() >= readable) { return; }
    var fresh = clusters.filter(function (id) { return before.indexOf(id) < 0; });
    var target = fresh.length ? cy.getElementById(fresh[fresh.length - 1])
      : clusters.length ? cy.getElementById(clusters[0]) : cy.elements();
    var b = target.boundingBox({includeLabels: true}), pad = 24;
    var w = cy.width(), h = cy.height();
    var x = b.w * readable <= w - 2 * pad ? (w - readable * (b.x1 + b.x2)) / 2 : pad - readable * b.x1;
    var y = b.h * readable <= h - 2 * pad ? (h - readable * (b.y1 + b.y2)) / 2 : pad - readable * b.y1;
    cy.viewport({zoom: readable, pan: {x: x, y: y}});
  }

  function hook(id, cy) {
    if (cy.scratch("fkPresentHooked")) { return; }
    cy.scratch("fkPresentHooked", true);
    cy.on("zoom", function () { guard(cy); });
    cy.on("add remove", function () {
      cy.scratch("fkGuardSig", null);  /* the same count may be other elements */
      if (!cy.scratch("fkGuardSoon")) {
        cy.scratch("fkGuardSoon", true);
        setTimeout(function () { cy.scratch("fkGuardSoon", false); guard(cy); }, 0);
      }
    });
    if (id === "fk-service-graph") {
      cy.on("layoutstop", function () { readableOverview(cy); guard(cy); });
      readableOverview(cy);
    }
  }

  /* Hook both graphs once drawn; catch up with changes no event announces (presentation mode
     switched, a stylesheet replaced). */
  setInterval(function () {
    GRAPHS.forEach(function (id) {
      var el = document.getElementById(id);
      var cy = el && el._cyreg && el._cyreg.cy;
      if (!alive(cy) || cy.nodes().length === 0) { return; }
      hook(id, cy);
      guard(cy);
    });
  }, 150);
})();
