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
