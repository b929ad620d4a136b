// Result page: the review panel. Each span row can be kept, accepted, rejected or relabelled; words selected in
// the article can be added as a span. Saving posts the corrections to /api/documents/{id}/review with the page's
// CSRF token and redraws the table from the spans the server returns. Offsets are counted in code points, as
// the server counts them, and every text is inserted with textContent.
(function () {
  var source = document.getElementById("review-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var body = document.querySelector("#review table.review tbody");
  var status = document.getElementById("review-status");
  var article = document.querySelector("article.doc .text");
  var names = {};
  data.labels.forEach(function (l) { names[l.label] = l.name; });

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function labelSelect(cls, chosen, title) {
    var select = el("select", undefined, cls);
    select.setAttribute("aria-label", title);
    data.labels.forEach(function (l) {
      var option = el("option", l.name);
      option.value = l.label;
      option.selected = l.label === chosen;
      select.appendChild(option);
    });
    return select;
  }
  function row(span, added) {
    var tr = el("tr", undefined, "review-span" + (added ? " added" : ""));
    tr.dataset.technique = span.technique;
    tr.dataset.start = span.start;
    tr.dataset.end = span.end;
    tr.dataset.text = span.text;
    tr.appendChild(el("td", names[span.technique] || span.technique));
    tr.appendChild(el("td", span.text, "quote"));
    tr.appendChild(el("td", added ? "to add" : span.accepted ? "accepted" : "predicted"));
    var cell = el("td");
    var action = el("select", undefined, "action");
    action.setAttribute("aria-label", "Correction of this span");
    (added ? ["add", "keep"] : ["keep", "accept", "reject", "relabel"]).forEach(function (a) {
      var option = el("option", added && a === "keep" ? "drop" : a);
      option.value = a;
      action.appendChild(option);
    });
    var relabel = labelSelect("relabel", span.technique, "New technique");
    relabel.hidden = true;
    action.addEventListener("change", function () { relabel.hidden = action.value !== "relabel"; });
    cell.appendChild(action);
    cell.appendChild(relabel);
    tr.appendChild(cell);
    return tr;
  }
  function draw(spans) {
    body.textContent = "";
    spans.forEach(function (s) { body.appendChild(row(s, false)); });
    if (!spans.length) {
      var empty = el("tr"), td = el("td", "No spans yet: select words in the article to add one.", "none");
      td.colSpan = 4;
      empty.appendChild(td);
      body.appendChild(empty);
    }
  }
  function points(text) { return Array.from(text).length; }
  function selected() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var range = sel.getRangeAt(0);
    if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) { return null; }
    var before = document.createRange();
    before.selectNodeContents(article);
    before.setEnd(range.startContainer, range.startOffset);
    var text = range.toString(), start = points(before.toString());
    return { start: start, end: start + points(text), text: text };
  }
  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle("bad", !!bad);
  }
  document.getElementById("add-technique").replaceWith(labelSelect("", "", "Technique of the new span"));
  var adding = document.querySelector("#review p.add select");
  adding.id = "add-technique";
  document.getElementById("add-span").addEventListener("click", function () {
    var span = selected();
    if (!span || !span.text.trim()) { say("Select some words in the article first.", true); return; }
    span.technique = adding.value;
    body.insertBefore(row(span, true), body.firstChild);
    say("Added \u201c" + span.text + "\u201d as " + names[span.technique] + "; save to keep it.");
  });
  function corrections() {
    var out = [];
    body.querySelectorAll("tr.review-span").forEach(function (tr) {
      var action = tr.querySelector("select.action").value;
      if (action === "keep") { return; }
      var item = { action: action, technique: tr.dataset.technique, start: +tr.dataset.start,
        end: +tr.dataset.end, text: tr.dataset.text };
      if (action === "relabel") { item.new_technique = tr.querySelector("select.relabel").value; }
      out.push(item);
    });
    return out;
  }
  var save = document.getElementById("save-review");
  save.addEventListener("click", function () {
    var list = corrections();
    if (!list.length) { say("Nothing to save: choose a correction first.", true); return; }
    save.disabled = true;
    var csrf = document.querySelector('meta[name="csrf"]').content;
    fetch("/api/documents/" + encodeURIComponent(data.id) + "/review", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ corrections: list, reviewer: document.getElementById("reviewer").value })
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer.error ? answer.error.message : response.statusText); }
        draw(answer.spans);
        say("Saved review " + answer.id + " with " + answer.corrections.length + " correction" +
          (answer.corrections.length === 1 ? "" : "s") + ".");
      });
    }).catch(function (error) { say("Not saved: " + error.message, true); })
      .finally(function () { save.disabled = false; });
  });
  draw(data.spans);
})();
