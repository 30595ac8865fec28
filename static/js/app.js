// Quick exit: the button posts to the server (which ends the session and clears site data);
// pressing Escape three times in a row does the same. The page is replaced in history.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  var presses = 0;
  var timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1500);
    if (presses >= 3) { button.form.requestSubmit(button); }
  });
})();

// Wide tables: a `.table-scroll` box whose table is wider than the screen scrolls sideways on
// its own (the page does not). So that a keyboard can scroll it too, it becomes a focusable
// region named after its table's caption or the heading above it; it stops being one when the
// table fits again (no useless Tab stop on a wide screen).
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-scroll");
  if (!boxes.length) { return; }

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var headings = document.querySelectorAll("h1, h2, h3");
    var found = null;
    for (var i = 0; i < headings.length; i += 1) {
      if (headings[i].compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = headings[i];
      }
    }
    return found ? found.textContent.trim() : document.title;
  }

  function update() {
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", nameOf(box)); }
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  update();
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
})();

// Answers that only apply after another one: an element with data-shown-when="NAME=VALUE" is
// hidden unless the form's control NAME has VALUE (a radio group or a select); it stays shown
// when it holds an error. Without JavaScript everything is shown.
(function () {
  "use strict";
  var parts = document.querySelectorAll("[data-shown-when]");
  if (!parts.length) { return; }

  function update(part) {
    var rule = part.getAttribute("data-shown-when").split("=");
    var form = part.closest("form");
    if (!form) { return; }
    var control = form.elements.namedItem(rule[0]);
    var value = control ? control.value : "";
    part.hidden = value !== rule[1] && !part.querySelector(".errorlist");
  }

  parts.forEach(function (part) {
    update(part);
    var form = part.closest("form");
    if (form) { form.addEventListener("change", function () { update(part); }); }
  });
})();
