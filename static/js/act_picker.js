// Act picker (salvaguarda/incidents/widgets.py): loads the HURIDOCS tree when it is first opened
// (from the URL in its data-tree-url; a page that already holds the tree has none), then shows
// the filter box: typing narrows the tree to the acts whose Spanish or English label (or code)
// holds every word typed, accents and case ignored, with their branches opened. The terms under
// a match stay available; clearing the box closes what the filter opened. Without this file the
// folded list offers a link to the page with the whole tree in it, which works with
// nested <details> alone.
(function () {
  "use strict";

  // Same folding as salvaguarda.lib.normalize.fold_text: lower case, no accents, no punctuation.
  function fold(text) {
    return text.normalize("NFKD").toLowerCase()
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^0-9a-z]+/g, " ")
      .trim();
  }

  function load(picker) {
    var list = picker.querySelector("details.ap-all");
    var tree = picker.querySelector(".ap-tree");
    var loading = picker.querySelector(".ap-loading");
    var failed = picker.querySelector(".ap-failed");
    if (!list || !tree) { return; }
    var url = list.getAttribute("data-tree-url");
    if (!url) { setUp(picker); return; }
    var busy = false;
    list.addEventListener("toggle", function () {
      if (!list.open || busy || tree.children.length) { return; }
      busy = true;
      loading.hidden = false;
      failed.hidden = true;
      fetch(url, {credentials: "same-origin", headers: {Accept: "text/html"}})
        .then(function (answer) {
          if (!answer.ok) { throw new Error(String(answer.status)); }
          return answer.text();
        })
        .then(function (html) {
          tree.innerHTML = html;  // our own server's fragment: checkboxes and labels, no script
          list.removeAttribute("data-tree-url");
          setUp(picker);
        })
        .catch(function () { failed.hidden = false; })
        .then(function () { loading.hidden = true; busy = false; });
    });
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
  for (var k = 0; k < pickers.length; k += 1) { load(pickers[k]); }
})();
