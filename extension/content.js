/* spinscope extension, content script: injected into the active tab by a click on the toolbar button.
 *
 * 1. Collect the text the user is reading: the selection when there is one, else the page's <article>
 *    (the longest), <main>, or the element holding the most paragraph text. Text nodes are walked in
 *    order; white space collapses as the page shows it (kept in <pre>-like elements), blocks are joined with
 *    "\n\n", and every character of the collected text remembers its text node and offset there.
 * 2. Send text, title and address to the background script, which asks the user's own spinscope server.
 * 3. Wrap the shown technique spans in <mark> elements (tooltip: the report's name, label and confidence)
 *    and open a side panel (in a shadow root, so the page's CSS stays out) with the techniques, claims,
 *    actors, narratives, matched debunked cases and a link to the stored analysis.
 *
 * Page content and server answers go into the page as text only (createElement, textContent, CSSOM styles);
 * nothing is ever parsed as HTML. A new run first removes the marks and panel of the last one. */
(() => {
  "use strict";

  const HOST_ID = "spinscope-panel-host";
  const MARK_CLASS = "spinscope-mark";
  const STRIPE_PX = 3; // height of one covering span's stripe under a mark, as in the HTML report
  const SKIP = new Set([
    "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA", "INPUT", "SELECT", "OPTION", "BUTTON",
    "IFRAME", "OBJECT", "EMBED", "CANVAS", "svg", "SVG", "math", "MATH", "HEAD", "TITLE",
  ]);
  const SPACE = /\s/;

  if (globalThis.__spinscopeBusy) {
    return;
  }
  globalThis.__spinscopeBusy = true;

  /* ---- 1. the text and where each character of it lives ---------------------------------------- */

  function inline(el) {
    const display = getComputedStyle(el).display;
    return display.startsWith("inline") || display === "contents" || display === "ruby";
  }

  function hidden(el) {
    if (typeof el.checkVisibility === "function") {
      return !el.checkVisibility({ visibilityProperty: true });
    }
    const style = getComputedStyle(el);
    return style.display === "none" || style.visibility === "hidden";
  }

  function blockOf(node, blocks) {
    let el = node.parentElement;
    const start = el;
    if (blocks.has(start)) {
      return blocks.get(start);
    }
    while (el && el.parentElement && inline(el)) {
      el = el.parentElement;
    }
    blocks.set(start, el);
    return el;
  }

  function largestBlock() {
    let best = null;
    let bestLength = 0;
    const sums = new Map();
    for (const p of document.querySelectorAll("p")) {
      const parent = p.parentElement;
      if (parent) {
        sums.set(parent, (sums.get(parent) || 0) + p.textContent.length);
      }
    }
    for (const [el, length] of sums) {
      if (length > bestLength) {
        best = el;
        bestLength = length;
      }
    }
    return best;
  }

  function mainRoot() {
    let best = null;
    for (const article of document.querySelectorAll("article")) {
      if (!best || article.textContent.length > best.textContent.length) {
        best = article;
      }
    }
    return best || document.querySelector("main, [role=main]") || largestBlock() || document.body;
  }

  function collect() {
    const selection = window.getSelection();
    const range = selection && selection.rangeCount && selection.toString().trim() ? selection.getRangeAt(0) : null;
    let root = range ? range.commonAncestorContainer : mainRoot();
    if (root && root.nodeType !== Node.ELEMENT_NODE) {
      root = root.parentElement;
    }
    const chars = [];
    const nodes = []; // the text node of each character (null for a separator)
    const offsets = []; // its offset in that node
    if (!root) {
      return { text: "", nodes, offsets };
    }
    const blocks = new Map();
    let block = null;
    let sep = "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === Node.TEXT_NODE) {
          return !range || range.intersectsNode(node) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
        }
        if (SKIP.has(node.nodeName) || node.id === HOST_ID || hidden(node)) {
          return NodeFilter.FILTER_REJECT;
        }
        return node.nodeName === "BR" ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      },
    });
    const push = (c, node, offset) => {
      chars.push(c);
      nodes.push(node);
      offsets.push(offset);
    };
    const trimEnd = () => {
      while (chars.length && chars[chars.length - 1] === " " && nodes[nodes.length - 1] !== null) {
        chars.pop();
        nodes.pop();
        offsets.pop();
      }
    };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeName === "BR") {
        sep = sep || "\n";
        continue;
      }
      const here = blockOf(node, blocks);
      if (block !== null && here !== block) {
        sep = "\n\n";
      }
      block = here;
      const pre = /^(pre|break-spaces)/.test(getComputedStyle(node.parentElement).whiteSpace);
      const data = node.data;
      const from = range && node === range.startContainer ? range.startOffset : 0;
      const to = range && node === range.endContainer ? range.endOffset : data.length;
      for (let i = from; i < to; i++) {
        const c = data[i];
        if (!pre && SPACE.test(c)) {
          if (chars.length && !sep && chars[chars.length - 1] !== " ") {
            push(" ", node, i);
          }
          continue;
        }
        if (sep) {
          trimEnd();
          if (chars.length) {
            for (const s of sep) {
              push(s, null, 0);
            }
          }
          sep = "";
        }
        push(c, node, i);
      }
    }
    trimEnd();
    return { text: chars.join(""), nodes, offsets };
  }

  /* ---- 3a. highlights ---------------------------------------------------------------------------- */

  function labelInfo(labels, label) {
    return labels[label] || { name: label.replace(/_/g, " "), definition: "", colour: "#595959", tint: "#d9d9d9" };
  }

  /* The report's tooltip (writers/html.py `_tooltip_text`): name (label), confidence 0.00, then the definition. */
  function tooltip(span, labels) {
    const info = labelInfo(labels, span.technique);
    let text = info.name + " (" + span.technique + "), confidence " + Number(span.score).toFixed(2);
    const meaning = span.definition || info.definition;
    if (meaning) {
      text += "\n" + meaning;
    }
    return text;
  }

  /* The text cut at every span boundary; each piece with the spans covering it, innermost first. */
  function segments(spans) {
    const cuts = [...new Set(spans.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [start, end] = [cuts[i], cuts[i + 1]];
      const covers = spans.filter((s) => s.start <= start && s.end >= end);
      if (covers.length) {
        covers.sort((a, b) => a.end - a.start - (b.end - b.start));
        out.push({ start, end, covers });
      }
    }
    return out;
  }

  function styleMark(mark, covers, labels) {
    const inner = labelInfo(labels, covers[0].technique);
    Object.assign(mark.style, {
      backgroundColor: inner.tint,
      color: "#111",
      padding: "0",
      margin: "0",
      borderRadius: "2px",
      boxShadow: covers
        .map((s, depth) => "inset 0 -" + STRIPE_PX * (depth + 1) + "px 0 " + labelInfo(labels, s.technique).colour)
        .join(", "),
    });
    if (covers.length > 1) {
      mark.style.paddingBottom = STRIPE_PX * (covers.length - 1) + "px";
    }
  }

  function highlight(collected, record, labels) {
    const shown = record.techniques.filter(
      (s) => s.shown !== false && s.start >= 0 && s.end <= collected.text.length && s.start < s.end,
    );
    const pieces = []; // {node, from, to, start, end, seg}: a stretch of one text node inside one segment
    for (const seg of segments(shown)) {
      let piece = null;
      for (let i = seg.start; i < seg.end; i++) {
        const node = collected.nodes[i];
        if (node === null) {
          piece = null;
          continue;
        }
        const offset = collected.offsets[i];
        if (piece && piece.node === node && offset >= piece.to) {
          piece.to = offset + 1;
          piece.end = i + 1;
        } else {
          piece = { node, from: offset, to: offset + 1, start: i, end: i + 1, seg };
          pieces.push(piece);
        }
      }
    }
    // Wrap the pieces of each node from its end, so that splitting leaves the earlier offsets valid.
    const byNode = new Map();
    for (const piece of pieces) {
      if (!byNode.has(piece.node)) {
        byNode.set(piece.node, []);
      }
      byNode.get(piece.node).push(piece);
    }
    let count = 0;
    for (const [node, list] of byNode) {
      list.sort((a, b) => b.from - a.from);
      for (const piece of list) {
        if (!node.parentNode) {
          continue;
        }
        if (piece.to < node.data.length) {
          node.splitText(piece.to);
        }
        const target = piece.from > 0 ? node.splitText(piece.from) : node;
        const mark = document.createElement("mark");
        mark.className = MARK_CLASS;
        mark.dataset.start = String(piece.start);
        mark.dataset.end = String(piece.end);
        mark.dataset.techniques = piece.seg.covers.map((s) => s.technique).join(" ");
        mark.title = piece.seg.covers.map((s) => tooltip(s, labels)).join("\n\n");
        styleMark(mark, piece.seg.covers, labels);
        target.parentNode.insertBefore(mark, target);
        mark.appendChild(target);
        count += 1;
      }
    }
    return { spans: shown, marks: count };
  }

  function clear() {
    const host = document.getElementById(HOST_ID);
    if (host) {
      host.remove();
    }
    const parents = new Set();
    for (const mark of document.querySelectorAll("mark." + MARK_CLASS)) {
      const parent = mark.parentNode;
      while (mark.firstChild) {
        parent.insertBefore(mark.firstChild, mark);
      }
      mark.remove();
      parents.add(parent);
    }
    parents.forEach((parent) => parent.normalize());
  }

  /* ---- 3b. the side panel ------------------------------------------------------------------------ */

  const CSS = `
:host{all:initial}
.panel{position:fixed;top:0;right:0;z-index:2147483647;box-sizing:border-box;width:min(24rem,92vw);height:100vh;
 overflow:auto;background:#fff;color:#111;border-left:1px solid #ccc;box-shadow:-2px 0 8px rgba(0,0,0,.2);
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;padding:.75rem 1rem 2rem}
header{display:flex;align-items:center;justify-content:space-between;gap:.5rem}
h2{font-size:1.1rem;margin:0}
h3{font-size:.95rem;margin:1rem 0 .35rem;border-bottom:1px solid #ddd;padding-bottom:.15rem}
button{font:inherit;border:1px solid #888;background:#f4f4f4;border-radius:4px;padding:.1rem .5rem;cursor:pointer}
ul{margin:0;padding-left:1.1rem}
li{margin:.25rem 0}
.muted{color:#555;font-size:.85rem}
.error{color:#a40000;font-weight:600}
.sw{display:inline-block;width:.8em;height:.8em;border:2px solid;border-radius:3px;margin-right:.35em;vertical-align:-.1em}
a{color:#0b4f8a}
`;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function styled(shadow) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (err) {
      shadow.appendChild(el("style", CSS)); // browsers without constructable sheets in content scripts
    }
  }

  function openPanel() {
    const host = document.createElement("div");
    host.id = HOST_ID;
    const shadow = host.attachShadow({ mode: "open" });
    styled(shadow);
    const panel = el("aside", null, "panel");
    panel.setAttribute("aria-label", "spinscope analysis");
    const header = el("header");
    header.appendChild(el("h2", "spinscope"));
    const close = el("button", "\u00d7 Close");
    close.type = "button";
    close.addEventListener("click", () => host.remove());
    header.appendChild(close);
    panel.appendChild(header);
    const status = el("p", "Analysing\u2026", "muted");
    status.setAttribute("role", "status");
    panel.appendChild(status);
    shadow.appendChild(panel);
    (document.body || document.documentElement).appendChild(host);
    return { panel, status };
  }

  function section(panel, title, items, ran, empty) {
    const box = el("section");
    box.dataset.section = title.toLowerCase().split(" ")[0];
    box.appendChild(el("h3", title));
    if (!ran) {
      box.appendChild(el("p", "Not analysed (the component was switched off on the server).", "muted"));
    } else if (!items.length) {
      box.appendChild(el("p", empty, "muted"));
    } else {
      const list = el("ul");
      items.forEach((item) => list.appendChild(item));
      box.appendChild(list);
    }
    panel.appendChild(box);
  }

  function item(...parts) {
    const li = el("li");
    parts.filter(Boolean).forEach((part) => li.appendChild(typeof part === "string" ? document.createTextNode(part) : part));
    return li;
  }

  function short(text, n) {
    const s = String(text || "");
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }

  function httpLink(url, text) {
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (err) {
      return null;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      return null;
    }
    const a = el("a", text);
    a.href = parsed.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function fill(view, result, found) {
    const { record, labels, server } = result;
    const { panel, status } = view;
    const ran = (name) => !Array.isArray(record.components) || record.components.includes(name);
    status.textContent =
      found.marks > 0
        ? found.spans.length + " technique span(s) highlighted on the page; hover one for its name and confidence."
        : "No technique span reaches the display cut in this text.";
    if (record.title) {
      panel.insertBefore(el("p", record.title, "muted"), status);
    }

    const counts = new Map();
    for (const span of found.spans) {
      const now = counts.get(span.technique) || { n: 0, max: 0 };
      counts.set(span.technique, { n: now.n + 1, max: Math.max(now.max, Number(span.score)) });
    }
    const techniques = [...counts].sort((a, b) => b[1].n - a[1].n || b[1].max - a[1].max).map(([label, c]) => {
      const info = labelInfo(labels, label);
      const swatch = el("span", null, "sw");
      swatch.style.background = info.tint;
      swatch.style.borderColor = info.colour;
      const li = item(swatch, info.name + " \u00d7" + c.n + ", max confidence " + c.max.toFixed(2));
      li.title = info.definition;
      return li;
    });
    section(panel, "Techniques", techniques, ran("techniques"), "None shown.");

    const claims = (record.claims || []).map((claim) => {
      const who = claim.attribution && claim.attribution.speaker ? " \u2014 " + claim.attribution.speaker : "";
      const score = typeof claim.checkworthiness === "number" ? "check-worthiness " + claim.checkworthiness.toFixed(2) : "";
      return item(el("span", short(claim.text, 300)), el("div", score + who, "muted"));
    });
    section(panel, "Claims", claims, ran("claims"), "No check-worthy claims found.");

    const actors = (record.entities || []).map((actor) => {
      const role = actor.roles && actor.roles.main ? ", cast as " + actor.roles.main : "";
      const mentions = (actor.mentions || []).length;
      return item(el("strong", actor.name), " (" + actor.type + ")" + role + ", " + mentions + " mention(s)");
    });
    section(panel, "Actors", actors, ran("entities"), "No actors found.");

    const narratives = (record.narratives || []).map((n) =>
      item(el("strong", n.narrative), n.subnarrative ? " \u2014 " + n.subnarrative : "", el("div", "score " + Number(n.score).toFixed(2), "muted")),
    );
    section(panel, "Narratives", narratives, ran("narratives"), "No narratives found.");

    const matches = (record.matches || []).map((m) =>
      item(
        el("span", "\u201c" + short(m.text, 200) + "\u201d states: "),
        el("strong", m.title || m.claim),
        m.rebuttal ? el("div", short(m.rebuttal, 400)) : null,
        el("div", [m.bank, m.rating, m.date].filter(Boolean).join(" \u00b7 ") + " \u00b7 score " + Number(m.score).toFixed(2), "muted"),
        m.url ? httpLink(m.url, "the case") : null,
      ),
    );
    section(panel, "Known debunked claims", matches, ran("matching"), "No known debunked claim matched.");

    const link = httpLink(server + "/documents/" + encodeURIComponent(record.id), "Open the stored analysis on your spinscope server");
    if (link) {
      link.className = "stored";
      const p = el("p");
      p.appendChild(link);
      panel.appendChild(p);
    }
  }

  function fail(view, message) {
    view.status.textContent = message;
    view.status.className = "error";
    view.status.setAttribute("role", "alert");
  }

  /* ---- 2. the round trip ------------------------------------------------------------------------- */

  async function run() {
    clear();
    const collected = collect();
    const view = openPanel();
    if (!collected.text.trim()) {
      fail(view, "No article text found on this page; select the text to analyse and click the button again.");
      return;
    }
    const title = (document.title || "").trim();
    const answer = await chrome.runtime.sendMessage({
      type: "spinscope-analyse",
      text: collected.text,
      title,
      url: location.href,
    });
    if (!answer || !answer.ok) {
      fail(view, (answer && answer.error) || "The extension's background script did not answer.");
      return;
    }
    if (answer.record.text !== collected.text) {
      fill(view, answer, { spans: [], marks: 0 });
      fail(view, "The server changed the text, so its offsets do not fit the page; nothing is highlighted.");
      return;
    }
    const found = highlight(collected, answer.record, answer.labels);
    fill(view, answer, found);
  }

  run()
    .catch((err) => {
      const host = document.getElementById(HOST_ID);
      if (!host) {
        return;
      }
      const status = host.shadowRoot.querySelector("[role=status]");
      if (status) {
        status.textContent = "spinscope: " + String((err && err.message) || err);
        status.className = "error";
      }
    })
    .finally(() => {
      globalThis.__spinscopeBusy = false;
    });
})();
