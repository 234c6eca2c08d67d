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
            cy.viewport({zoom: zoom, pan: {x: (w - zoom * (b.x1 + b.x2)) / 2, y: (h - zoom * (b.y1 + b.y2)) / 2}});
          } else {
            cy.layout(layout).run();
          }
          watchZoom(cy);
          resolve({drawn: Date.now(), elements: payload.elements.length});
        };
        draw();
      });
    }
  }
});
