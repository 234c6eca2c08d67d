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

  window.fkmapInspect = {setInput: fkSetInput};
})();
