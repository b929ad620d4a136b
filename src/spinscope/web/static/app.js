// Forms that destroy something ask first (data-confirm); the CSP allows no inline handlers.
document.addEventListener("submit", function (e) {
  var question = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { e.preventDefault(); }
});
// Result page: the confidence slider hides spans whose every covering technique is below the value.
(function () {
  var slider = document.getElementById("minscore");
  if (!slider) { return; }
  var out = document.getElementById("minscore-value");
  function data(mark) {
    var script = mark.closest("article").querySelector("script.tipdata");
    return script ? JSON.parse(script.textContent) : { spans: [] };
  }
  function apply() {
    var min = Number(slider.value);
    out.textContent = min.toFixed(2);
    document.querySelectorAll("mark.seg").forEach(function (mark) {
      var spans = data(mark).spans;
      var best = Math.max.apply(null, mark.getAttribute("data-s").split(" ").map(function (i) { return spans[+i][1]; }));
      mark.classList.toggle("weak", best < min);
    });
  }
  slider.addEventListener("input", apply);
})();
