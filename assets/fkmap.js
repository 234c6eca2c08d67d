/* fkmap: draw the table graph in one batch (served locally from assets/). */
/* Large views draw tables without labels (measured: labels cost most of the first paint);
   they appear as soon as the user zooms in far enough to read them. */
function watchZoom(cy) {
  var update = function () {
    var show = cy.zoom() >= 0.6;
    if (show !== cy.scratch("fkLabels")) {
      cy.scratch("fkLabels", show);
      cy.nodes(".table").toggleClass("labelled", show);
    }
  };
  cy.scratch("fkLabels", null);
  if (!cy.scratch("fkZoomWatched")) {
    cy.scratch("fkZoomWatched", true);
    cy.on("zoom", update);
  }
  update();
}

/* Export menu: pictures of a Cytoscape graph exactly as shown (current viewport, pan, zoom,
   labels), made in the browser and saved through a Blob URL. SVG needs cy.svg() from the
   cytoscape-svg extension in dash-cytoscape's extra bundle (app.py: load_extra_layouts()). */
function fkDownload(blob, name) {
  var url = URL.createObjectURL(blob);
  var a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  setTimeout(function () {
    document.body.removeChild(a);
    URL.revokeObjectURL(url);
  }, 1000);
}

function fkImage(cy, format) {
  var options = {full: false, bg: "#ffffff"};
  if (format === "svg") {
    if (typeof cy.svg !== "function") {
      throw new Error("SVG export needs the cytoscape-svg extension (dash_cytoscape.load_extra_layouts())");
    }
    return new Blob([cy.svg(Object.assign({scale: 1}, options))], {type: "image/svg+xml;charset=utf-8"});
  }
  return cy.png(Object.assign({output: "blob", scale: 2}, options));
}

/* An open Export menu closes on a click elsewhere or on Escape. */
function fkCloseMenus(keep) {
  document.querySelectorAll("details.export-menu[open]").forEach(function (d) {
    if (!keep || !d.contains(keep)) {
      d.open = false;
    }
  });
}
document.addEventListener("click", function (e) {
  if (e.isTrusted) {  /* not the synthetic clicks that start downloads */
    fkCloseMenus(e.target);
  }
});
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape") {
    fkCloseMenus(null);
  }
});

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  fkmap: {
    /* payload = {elements: [...], layout: {name: ...}} from the server; returns {drawn, elements}. */
    drawGraph: function (payload) {
      if (!payload) {
        return window.dash_clientside.no_update;
      }
      return new Promise(function (resolve) {
        var tries = 0;
        var draw = function () {
          var el = document.getElementById("fk-table-graph");
          var cy = el && el._cyreg && el._cyreg.cy;
          if (!cy) {
            tries += 1;
            if (tries < 1000) {
              setTimeout(draw, 10);
            } else {
              resolve(null);
            }
            return;
          }
          cy.batch(function () {
            cy.elements().remove();
            cy.add(payload.elements);
          });
          var layout = Object.assign({}, payload.layout);
          if (layout.name === "preset" && payload.bbox) {
            /* positions came with the elements: running the preset layout or cy.fit() would
               measure every label (slow); the server sent the bounding box instead */
            var b = payload.bbox, pad = layout.padding || 24;
            var w = cy.width(), h = cy.height();
            var zoom = Math.min((w - 2 * pad) / Math.max(b.x2 - b.x1, 1), (h - 2 * pad) / Math.max(b.y2 - b.y1, 1));
            zoom = Math.max(cy.minZoom(), Math.min(zoom, 2));
            if (payload.readable && zoom < payload.readable) {
              /* presentation mode: labels readable on a projector, the top left corner first */
              zoom = payload.readable;
              cy.viewport({zoom: zoom, pan: {x: pad - zoom * b.x1, y: pad - zoom * b.y1}});
            } else {
              cy.viewport({zoom: zoom, pan: {x: (w - zoom * (b.x1 + b.x2)) / 2, y: (h - zoom * (b.y1 + b.y2)) / 2}});
            }
          } else {
            cy.layout(layout).run();
          }
          if (window.fkmapPlace) {  /* uistate.js: saved positions, the URL's pan and zoom */
            window.fkmapPlace(cy, payload);
          }
          var shown = payload.show && cy.getElementById(payload.show);
          if (shown && shown.length) {  /* a service just opened on an aggregated graph: go to it */
            cy.fit(shown, 40);
            if (payload.readable && cy.zoom() < payload.readable) {
              cy.zoom({level: payload.readable, position: shown.position()});
              cy.center(shown);
            }
            if (window.fkmapWriteViewport) {  /* the URL follows, or uistate.js would pan back */
              window.fkmapWriteViewport(cy);
            }
          }
          watchZoom(cy);
          window.fkmapDraws = (window.fkmapDraws || 0) + 1;  /* benches wait for the next draw */
          resolve({drawn: Date.now(), elements: payload.elements.length});
        };
        draw();
      });
    },
    /* Export menu PNG/SVG buttons; target = {graph: element id, name: file name without suffix}. */
    exportImage: function (nPng, nSvg, target) {
      var ctx = window.dash_clientside.callback_context;
      var trig = ctx && ctx.triggered && ctx.triggered[0];
      if (!trig || !trig.value || !target) {
        return window.dash_clientside.no_update;
      }
      var format = trig.prop_id.split(".")[0] === "fk-export-svg" ? "svg" : "png";
      var el = document.getElementById(target.graph);
      var cy = el && el._cyreg && el._cyreg.cy;
      if (!cy) {
        return {format: format, error: "the graph is not drawn yet"};
      }
      var blob = fkImage(cy, format);
      var name = target.name + "." + format;
      fkDownload(blob, name);
      return {format: format, name: name, bytes: blob.size, width: cy.width(), height: cy.height(), at: Date.now()};
    }
  }
});
