// Any script error or console.error is written into #js-errors, so a headless browser's
// DOM dump shows it (the browser test asserts the element is empty).
(function () {
  var pending = [];
  function record(text) {
    var el = document.getElementById("js-errors");
    if (el) { el.textContent += text + "\n"; } else { pending.push(text); }
  }
  window.onerror = function (msg, src, line, col) {
    record("error: " + msg + " (line " + line + ":" + col + ")");
  };
  window.addEventListener("unhandledrejection", function (e) {
    record("unhandled rejection: " + e.reason);
  });
  var original = console.error;
  console.error = function () {
    record("console.error: " + Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
  document.addEventListener("DOMContentLoaded", function () {
    pending.splice(0).forEach(record);
  });
})();
