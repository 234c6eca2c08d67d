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
   labels), made in the browser and saved through a Blob URL, framed by a title band above the
   graph and a legend band below it. SVG needs cy.svg() from the cytoscape-svg extension in
   dash-cytoscape's extra bundle (app.py: load_extra_layouts()). The legend's entries come from the
   server (exports/legend.py: screen_legend, in the menu's fk-export-legend store); the services'
   colours are those of the services drawn. */
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

var FK_FRAME = {font: "Helvetica, Arial, sans-serif", title: 48, row: 20, pad: 10, swatch: 26, ink: "#1d2330",
  muted: "#5a6272", rule: "#d0d5dd"};

function fkTextWidth(text, size) {
  var c = fkTextWidth.canvas || (fkTextWidth.canvas = document.createElement("canvas"));
  var g = c.getContext("2d");
  g.font = size + "px " + FK_FRAME.font;
  return g.measureText(text).width;
}

/* The services drawn (not their tables), each once, by name. */
function fkServicesShown(cy) {
  var seen = {}, list = [];
  cy.nodes().forEach(function (n) {
    var name = n.data("service"), colour = n.data("colour");
    if (n.data("kind") === "table" || !name || !colour || seen[name] || !n.visible()) { return; }
    seen[name] = true;
    list.push({name: String(name), colour: colour});
  });
  return list.sort(function (a, b) { return a.name < b.name ? -1 : (a.name > b.name ? 1 : 0); });
}

/* Where everything of a picture goes, in CSS pixels, for both formats: the title band, the graph
   (width x height) and the legend below it, its entries flowed into rows: edge styles, then the
   services' colours, then the notes, each group from a new row. */
function fkFrame(width, height, picture) {
  var F = FK_FRAME, x = F.pad, row = -1, items = [];
  var groups = [
    (picture.legend || []).filter(function (e) { return e.mark !== "note"; }),
    picture.services.length ? [{mark: "heading", text: "Services:"}].concat(picture.services.map(function (s) {
      return {mark: "service", colour: s.colour, text: s.name};
    })) : [],
    (picture.legend || []).filter(function (e) { return e.mark === "note"; })
  ];
  groups.forEach(function (group) {
    if (group.length) {
      x = F.pad;
      row += 1;
    }
    group.forEach(function (e) {
      var plain = e.mark === "note" || e.mark === "heading";
      var w = (plain ? 0 : F.swatch + 6) + fkTextWidth(e.text, 12) + (e.mark === "heading" ? 8 : 18);
      if (x > F.pad && x + w > width - F.pad) {
        x = F.pad;
        row += 1;
      }
      var y = F.title + height + F.pad + (row + 0.5) * F.row;
      items.push({kind: e.mark, colour: e.colour || "", text: e.text, x: x, y: y});
      x += w;
    });
  });
  var legend = items.length ? 2 * F.pad + (row + 1) * F.row : 0;
  return {width: width, top: F.title, graph: height, height: F.title + height + legend, items: items};
}

function fkSubtitle() {
  var label = document.querySelector(".source-label");
  var scan = label ? label.textContent.trim() : "";
  return "fkmap" + (scan ? " · " + scan : "") + " · " + new Date().toISOString().slice(0, 10);
}

var FK_DASH = {line: [], dashed: [7, 4], dotted: [2, 3]};

/* The title and the legend on a 2D context whose units are CSS pixels. */
function fkDrawFrame(g, frame, picture) {
  var F = FK_FRAME;
  g.textBaseline = "alphabetic";
  g.fillStyle = F.ink;
  g.font = "bold 17px " + F.font;
  g.fillText(picture.title, F.pad, 22);
  g.fillStyle = F.muted;
  g.font = "12px " + F.font;
  g.fillText(picture.subtitle, F.pad, 40);
  g.fillStyle = F.rule;
  g.fillRect(0, frame.top - 1, frame.width, 1);
  g.fillRect(0, frame.top + frame.graph, frame.width, 1);
  g.textBaseline = "middle";
  frame.items.forEach(function (it) {
    var tx = it.x;
    if (it.kind === "service") {
      g.fillStyle = it.colour;
      g.beginPath();
      g.arc(it.x + F.swatch / 2, it.y, 6, 0, 2 * Math.PI);
      g.fill();
    } else if (it.kind !== "note" && it.kind !== "heading") {
      g.strokeStyle = it.colour;
      g.lineWidth = it.kind === "line" ? 4 : 3;
      g.setLineDash(FK_DASH[it.kind] || []);
      g.beginPath();
      g.moveTo(it.x, it.y);
      g.lineTo(it.x + F.swatch, it.y);
      g.stroke();
      g.setLineDash([]);
    }
    if (it.kind !== "note" && it.kind !== "heading") { tx += F.swatch + 6; }
    g.fillStyle = it.kind === "note" ? F.muted : F.ink;
    g.fillText(it.text, tx, it.y);
  });
}

function fkXml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/* The graph's own SVG nested at the top of the graph band, title and legend as text around it. */
function fkFramedSvg(inner, frame, picture) {
  var F = FK_FRAME, W = frame.width, H = frame.height;
  inner = inner.replace(/^\s*<\?xml[^>]*\?>\s*/, "").replace(/^\s*<!DOCTYPE[^>]*>\s*/, "");
  inner = inner.replace(/^\s*<svg\b/, '<svg x="0" y="' + frame.top + '"');
  var out = [
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="' + W +
      '" height="' + H + '" viewBox="0 0 ' + W + " " + H + '">',
    '<rect x="0" y="0" width="' + W + '" height="' + H + '" fill="#ffffff"/>',
    '<text class="fkmap-title" x="' + F.pad + '" y="22" font-family="' + F.font + '" font-size="17" ' +
      'font-weight="bold" fill="' + F.ink + '">' + fkXml(picture.title) + "</text>",
    '<text class="fkmap-subtitle" x="' + F.pad + '" y="40" font-family="' + F.font + '" font-size="12" fill="' +
      F.muted + '">' + fkXml(picture.subtitle) + "</text>",
    '<rect x="0" y="' + (frame.top - 1) + '" width="' + W + '" height="1" fill="' + F.rule + '"/>',
    '<rect x="0" y="' + (frame.top + frame.graph) + '" width="' + W + '" height="1" fill="' + F.rule + '"/>',
    '<g class="fkmap-legend" font-family="' + F.font + '" font-size="12">'
  ];
  frame.items.forEach(function (it) {
    var tx = it.x + (it.kind === "note" || it.kind === "heading" ? 0 : F.swatch + 6);
    if (it.kind === "service") {
      out.push('<circle cx="' + (it.x + F.swatch / 2) + '" cy="' + it.y + '" r="6" fill="' + fkXml(it.colour) + '"/>');
    } else if (it.kind !== "note" && it.kind !== "heading") {
      var dash = (FK_DASH[it.kind] || []).join(",");
      out.push('<line x1="' + it.x + '" y1="' + it.y + '" x2="' + (it.x + F.swatch) + '" y2="' + it.y + '" stroke="' +
        fkXml(it.colour) + '" stroke-width="' + (it.kind === "line" ? 4 : 3) + '"' +
        (dash ? ' stroke-dasharray="' + dash + '"' : "") + "/>");
    }
    out.push('<text x="' + tx + '" y="' + it.y + '" dominant-baseline="middle" fill="' +
      (it.kind === "note" ? F.muted : F.ink) + '">' + fkXml(it.text) + "</text>");
  });
  out.push("</g>", inner, "</svg>");
  return out.join("\n");
}

/* picture = {title, subtitle, legend, services}; a Promise of the Blob. The graph is read at once
   (uiinspect.js paints it light for this call in dark mode), the frame is composed after. */
function fkImage(cy, format, picture) {
  var options = {full: false, bg: "#ffffff"};
  if (format === "svg") {
    if (typeof cy.svg !== "function") {
      throw new Error("SVG export needs the cytoscape-svg extension (dash_cytoscape.load_extra_layouts())");
    }
    var inner = cy.svg(Object.assign({scale: 1}, options));
    var frame = fkFrame(cy.width(), cy.height(), picture);
    return Promise.resolve(new Blob([fkFramedSvg(inner, frame, picture)], {type: "image/svg+xml;charset=utf-8"}));
  }
  var scale = 2, uri = cy.png(Object.assign({output: "base64uri", scale: scale}, options));
  return new Promise(function (resolve, reject) {
    var img = new Image();
    img.onload = function () {
      var f = fkFrame(img.width / scale, img.height / scale, picture);
      var c = document.createElement("canvas");
      c.width = img.width;
      c.height = Math.round(f.height * scale);
      var g = c.getContext("2d");
      g.fillStyle = "#ffffff";
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, Math.round(f.top * scale));
      g.scale(scale, scale);
      fkDrawFrame(g, f, picture);
      c.toBlob(function (blob) {
        if (blob) { resolve(blob); } else { reject(new Error("the browser made no PNG")); }
      }, "image/png");
    };
    img.onerror = function () { reject(new Error("the graph's picture did not load")); };
    img.src = uri;
  });
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
          /* dash-cytoscape's responsive helper keeps the viewport it last saw at a "render" event and
             puts it back at the next "resize": when the first frame of a large graph is slow and the
             container resizes before it, the graph would jump back to the empty canvas's zoom 1 */
          cy.emit("render");
          watchZoom(cy);
          window.fkmapDraws = (window.fkmapDraws || 0) + 1;  /* benches wait for the next draw */
          resolve({drawn: Date.now(), elements: payload.elements.length});
        };
        draw();
      });
    },
    /* Export menu PNG/SVG buttons; target = {graph: element id, name: file name without suffix,
       title}; legend = the graph's legend entries [{mark, colour, text}] (exports/legend.py). */
    exportImage: function (nPng, nSvg, target, legend) {
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
      var picture = {title: target.title || target.name, subtitle: fkSubtitle(), legend: legend || [],
        services: fkServicesShown(cy)};
      var name = target.name + "." + format, width = cy.width(), height = cy.height();
      return fkImage(cy, format, picture).then(function (blob) {
        fkDownload(blob, name);
        return {format: format, name: name, bytes: blob.size, width: width, height: height, at: Date.now()};
      }, function (err) {
        return {format: format, error: String(err && err.message || err)};
      });
    }
  }
});
