// Act picker (salvaguarda/incidents/widgets.py): the filter box of the HURIDOCS tree. Without
// this file the tree still works (nested <details>, every checkbox submits normally); with it, the
// box appears and typing narrows the tree to the acts whose Spanish or English label (or code)
// holds every word typed, accents and case ignored, with their branches opened. The terms under
// a match stay available; clearing the box closes what the filter opened.
(function () {
  "use strict";

  // Same folding as salvaguarda.lib.normalize.fold_text: lower case, no accents, no punctuation.
  function fold(text) {
    return text.normalize("NFKD").toLowerCase()
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^0-9a-z]+/g, " ")
      .trim();
  }

  function setUp(picker) {
    var tree = picker.querySelector(".ap-tree");
    var box = picker.querySelector(".ap-filter");
    var input = picker.querySelector(".ap-filter-input");
    var empty = picker.querySelector(".ap-empty");
    if (!tree || !box || !input) { return; }

    var nodes = tree.querySelectorAll("li[data-s]");
    var items = [];
    var byNode = new Map();
    for (var i = 0; i < nodes.length; i += 1) {
      var li = nodes[i];
      var label = li.querySelector("label");
      var control = li.querySelector("input");
      var words = [label ? label.textContent : "", li.getAttribute("data-s"), control ? control.value : ""];
      var up = li.parentElement.closest("li");
      var item = {
        li: li,
        text: fold(words.join(" ")),
        parent: up && tree.contains(up) ? byNode.get(up) : null,
        details: li.querySelector(":scope > details"),
        match: false, below: false, above: false
      };
      byNode.set(li, item);
      items.push(item);
    }
    var opened = [];

    function reset() {
      items.forEach(function (it) { it.li.hidden = false; });
      opened.forEach(function (details) {
        if (!details.querySelector("input:checked")) { details.open = false; }
      });
      opened = [];
      if (empty) { empty.hidden = true; }
    }

    function apply() {
      var words = fold(input.value).split(" ").filter(Boolean);
      if (!words.length) { reset(); return; }
      var found = 0;
      // Parents come before their children in document order.
      items.forEach(function (it) {
        it.match = words.every(function (word) { return it.text.indexOf(word) !== -1; });
        it.below = it.parent ? (it.parent.match || it.parent.below) : false;
        it.above = false;
      });
      for (var j = items.length - 1; j >= 0; j -= 1) {
        var it = items[j];
        if ((it.match || it.above) && it.parent) { it.parent.above = true; }
      }
      items.forEach(function (it) {
        it.li.hidden = !(it.match || it.below || it.above);
        if (it.match) { found += 1; }
        if (it.above && it.details && !it.details.open) {
          it.details.open = true;
          opened.push(it.details);
        }
      });
      if (empty) { empty.hidden = found > 0; }
    }

    box.hidden = false;
    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // typing a filter never sends the form
    });
    if (input.value) { apply(); }  // a value the browser restored on "back"
  }

  var pickers = document.querySelectorAll("[data-act-picker]");
  for (var k = 0; k < pickers.length; k += 1) { setUp(pickers[k]); }
})();
