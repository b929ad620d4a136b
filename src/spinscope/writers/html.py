"""`html` writer: one self-contained HTML report for one or several documents.

The file has inline CSS and JS and refers to nothing outside itself (no fonts, CDNs, images or links), so it
opens offline and can be mailed around. It is responsive (viewport meta, one column, tables that scroll
sideways on a phone).

Overlapping spans: the text is cut at every span boundary into segments (`_common.segments`); each segment
is one `<mark>` listing every span that covers it. Its background is the tint of the innermost (shortest)
covering span, and each covering span adds a stripe in its own colour along the bottom edge, so nesting
stays visible. Hover, tap or keyboard focus opens a tooltip with the name, confidence and definition of
every covering span; the `title` attribute carries the same text for browsers without JS.

All text from the document (article, title, metadata, warnings, labels) is escaped with `html.escape`;
tooltip data travels as JSON in `<script type="application/json">` with `<`, `>` and `&` escaped, and the
script inserts it with `textContent` only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, TextIO

from .. import __version__
from ..data import Document
from ..labels import category, colour, definition, human_name, tint
from ..registry import writers
from ._common import hidden_note, neutral, records, segments, shown, summarise
from .base import Writer
from .record import summaries, switched_off
from .views import View

STRIPE_PX = 3  # height of one covering span's stripe under a segment


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _script_json(data: Any) -> str:
    """JSON that cannot end the <script> element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _tooltip_text(span: Mapping[str, Any]) -> str:
    label = span["technique"]
    text = f"{human_name(label)} ({label}), confidence {span['score']:.2f}"
    if meaning := definition(label):
        text += f"\n{meaning}"
    return text


def _actor_marks(record: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[int, set[str]]]:
    """Spans a report row highlights when clicked, with the row's key in `actor` (each field view's
    `marks`: an actor's mentions, a narrative's evidence, a known claim's sentence) and, per technique span
    index, the rows it is aimed at (the views' `targets`)."""
    from .record import shown_fields

    mentions: list[dict[str, Any]] = []
    aimed: dict[int, set[str]] = {}
    where = {(s["technique"], s["start"], s["end"]): i for i, s in enumerate(shown(record))}
    for _, _, view in shown_fields():
        mentions += view.marks(record) if view.marks else []
        for span, key in view.targets(record) if view.targets else ():
            if (i := where.get(span)) is not None:
                aimed.setdefault(i, set()).add(key)
    return mentions, aimed


def _actor_attrs(covers: Sequence[int], spans: Sequence[Mapping[str, Any]], aimed: Mapping[int, set[str]]) -> str:
    actors = sorted({spans[i]["actor"] for i in covers if "actor" in spans[i]})
    targets = sorted({k for i in covers for k in aimed.get(i, ())})
    out = f' data-a="{" ".join(actors)}"' if actors else ""
    return out + (f' data-ta="{" ".join(targets)}"' if targets else "")


def render_text(text: str, spans: Sequence[Mapping[str, Any]], record: Mapping[str, Any] | None = None) -> str:
    """The article as escaped HTML with one `<mark>` per technique segment (actor mentions of `record` are
    `<span class="ment">`, and carry `data-a`); joining the segments gives `text` back."""
    mentions, aimed = _actor_marks(record) if record is not None else ([], {})
    every = [*spans, *mentions]
    parts: list[str] = []
    for seg in segments(len(text), every):
        piece = _e(text[seg.start : seg.end])
        actors = _actor_attrs(seg.covers, every, aimed)
        covers = [i for i in seg.covers if i < len(spans)]
        if not covers:
            parts.append(f'<span class="ment"{actors}>{piece}</span>' if actors else piece)
            continue
        inner = spans[covers[0]]["technique"]
        stripes = ", ".join(
            f"inset 0 -{STRIPE_PX * (depth + 1)}px 0 {colour(spans[i]['technique'])}" for depth, i in enumerate(covers)
        )
        style = f"background-color:{tint(inner)};box-shadow:{stripes}"
        if len(covers) > 1:
            style += f";padding-bottom:{STRIPE_PX * (len(covers) - 1)}px"
        title = "\n\n".join(_tooltip_text(spans[i]) for i in covers)
        labels = " ".join(spans[i]["technique"] for i in covers)
        ids = " ".join(str(i) for i in covers)
        parts.append(
            f'<mark class="seg" tabindex="0" data-s="{ids}" data-t="{_e(labels)}"{actors} style="{style}" '
            f'title="{_e(title)}">{piece}</mark>'
        )
    return "".join(parts)


def _swatch(label: str) -> str:
    return f'<span class="sw" style="background:{tint(label)};border-color:{colour(label)}"></span>'


def _meta(record: Mapping[str, Any]) -> str:
    rows = [
        ("ID", record["id"]),
        ("Date", record["date"]),
        ("Language", record["language"]),
        ("Source", record["source"]),
    ]
    cells = "".join(f"<div><dt>{k}</dt><dd>{_e(neutral(str(v)))}</dd></div>" for k, v in rows if v)
    return f'<dl class="meta">{cells}</dl>'


def _warnings(record: Mapping[str, Any]) -> str:
    if not record["warnings"]:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in record["warnings"])
    return f'<section class="warnings" aria-label="Warnings"><h3>Warnings</h3><ul>{items}</ul></section>'


def _panel(record: Mapping[str, Any], component: str, view: View) -> str:
    """A field's report section; a headed note instead when its component was off or found nothing."""
    if switched_off(record, component):
        note = f"Not analysed: the {_e(component)} component was switched off."
    elif (body := view.html(record)) or not view.title:
        return body
    else:
        note = f"No {_e(view.title[0].lower() + view.title[1:])} found."
    return f'<section class="empty"><h3>{_e(view.title)}</h3><p class="none">{note}</p></section>'


def _legend(rows: Sequence[Any], off: bool) -> str:
    if off:
        return '<p class="none">Techniques not analysed: the techniques component was switched off.</p>'
    if not rows:
        return '<p class="none">No persuasion techniques found.</p>'
    items = "".join(
        f'<li title="{_e(definition(r.technique))}">{_swatch(r.technique)}{_e(human_name(r.technique))} '
        f'<span class="n">{r.count}</span></li>'
        for r in rows
    )
    return f'<ul class="legend" aria-label="Legend">{items}</ul>'


def _summary(rows: Sequence[Any]) -> str:
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{_swatch(r.technique)}{_e(human_name(r.technique))}<br><code>{_e(r.technique)}</code></td>"
        f'<td class="num">{r.count}</td><td class="num">{r.max_score:.2f}</td>'
        f'<td class="cat">{_e(category(r.technique))}</td><td>{_e(definition(r.technique))}</td></tr>'
        for r in rows
    )
    head = (
        '<tr><th scope="col">Technique</th><th scope="col">Count</th><th scope="col">Max score</th>'
        '<th scope="col" class="cat">Category</th><th scope="col">Definition</th></tr>'
    )
    return (
        '<section><h3>Summary</h3><div class="scroll"><table class="summary">'
        f"<thead>{head}</thead><tbody>{body}</tbody></table></div></section>"
    )


def _span_list(spans: Sequence[Mapping[str, Any]]) -> str:
    if not spans:
        return ""
    body = "".join(
        f"<tr><td>{_swatch(s['technique'])}{_e(human_name(s['technique']))}</td>"
        f'<td class="num">{s["start"]}–{s["end"]}</td><td class="num">{s["score"]:.2f}</td>'
        f'<td class="quote">{_e(s["text"])}</td></tr>'
        for s in spans
    )
    return (
        f'<details><summary>All spans ({len(spans)})</summary><div class="scroll"><table>'
        '<thead><tr><th scope="col">Technique</th><th scope="col">Offsets</th><th scope="col">Score</th>'
        f'<th scope="col">Text</th></tr></thead><tbody>{body}</tbody></table></div></details>'
    )


def bars(title: str, rows: Iterable[tuple[str, float, bool]]) -> str:
    """A bar chart of (label, score, chosen) rows, each named by its human name with its definition as a
    tooltip; "" when there are no rows."""
    items = []
    for label, score, chosen in rows:
        width = max(0.0, min(1.0, score)) * 100
        mark = ' class="pred"' if chosen else ""
        tick = ' <span title="predicted">✓</span><span class="vh"> (predicted)</span>' if chosen else ""
        items.append(
            f'<div{mark} title="{_e(definition(label))}"><span class="bl">{_e(human_name(label))}{tick}</span>'
            f'<span class="bar" aria-hidden="true"><span style="width:{width:.1f}%"></span></span>'
            f'<span class="num">{score:.2f}</span></div>'
        )
    return f'<section><h3>{title}</h3><div class="bars">{"".join(items)}</div></section>' if items else ""


def technique_sections(record: Mapping[str, Any]) -> str:
    """The techniques section: the summary table and the list of every span."""
    spans = shown(record)
    note = hidden_note(record)
    parts = (_summary(summarise(spans)), f'<p class="hint">{_e(note)}</p>' if note else "", _span_list(spans))
    return "\n".join(part for part in parts if part)


def _tip_data(spans: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    labels = list(dict.fromkeys(s["technique"] for s in spans))
    return {
        "labels": [
            {"label": lab, "name": human_name(lab), "definition": definition(lab), "colour": colour(lab)}
            for lab in labels
        ],
        "spans": [[labels.index(s["technique"]), s["score"]] for s in spans],
    }


def render_document(record: Mapping[str, Any], anchor: str) -> str:
    """One `<article>` for one record; `anchor` is its element id (not the document id, which may be odd)."""
    from .record import shown_fields

    spans = shown(record)
    lang = f' lang="{_e(record["language"])}"' if record["language"] else ""
    fields = shown_fields()
    counts = " · ".join(summaries(record))
    parts = [
        f'<article class="doc" id="{anchor}">',
        f"<h2>{_e(neutral(record['title'] or record['id']))}</h2>",
        _meta(record),
        _warnings(record),
        _legend(summarise(spans), switched_off(record, "techniques")),
        f'<div class="text"{lang}>{render_text(record["text"], spans, record)}</div>',
        *(_panel(record, name, view) for name, _, view in fields if view.html),
        f'<p class="counts">{counts}</p>',
        f'<script type="application/json" class="tipdata">{_script_json(_tip_data(spans))}</script>',
        "</article>",
    ]
    return "\n".join(p for p in parts if p)


def render_report(recs: Sequence[Mapping[str, Any]]) -> str:
    if len(recs) == 1:
        page_title = f"{neutral(recs[0]['title'] or recs[0]['id'])} · spinscope"
    else:
        page_title = f"spinscope report ({len(recs)} documents)"
    nav = ""
    if len(recs) > 1:
        items = "".join(
            f'<li><a href="#doc-{n}">{_e(neutral(r["title"] or r["id"]))}</a> '
            f'<span class="n">{len(r["techniques"])}</span></li>'
            for n, r in enumerate(recs, start=1)
        )
        nav = f'<nav aria-label="Documents"><ol>{items}</ol></nav>'
    body = "\n".join(render_document(r, f"doc-{n}") for n, r in enumerate(recs, start=1))
    if not recs:
        body = '<p class="none">No documents.</p>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="spinscope {__version__}">\n'
        f"<title>{_e(page_title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><h1>spinscope report</h1>{nav}</header>\n'
        f"<main>\n{body}\n</main>\n"
        '<div id="tip" role="tooltip" hidden></div>\n'
        f"<footer>Made offline by spinscope {__version__}. Highlights are machine predictions; "
        "read them as pointers, not verdicts.</footer>\n"
        f"<script>{JS}</script>\n</body>\n</html>\n"
    )


@writers.register("html")
class HtmlWriter(Writer):
    name = "html"

    def write(self, docs: Iterable[Document], out: TextIO) -> None:
        out.write(render_report(list(records(docs, self.settings))))


CSS = """
:root{color-scheme:light;--fg:#1b1b1b;--muted:#555;--line:#d9d9d9}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);
background:#fff}
header.top,main,footer{max-width:54rem;margin:0 auto;padding:0 1rem}
header.top h1{font-size:1.3rem;margin:1rem 0 .5rem}
nav ol{padding-left:1.5rem;margin:.25rem 0 1rem}
a{color:#0b57a4}
.doc{border-top:3px solid var(--fg);padding:.5rem 0 1.5rem;margin-top:1rem}
.doc h2{font-size:1.35rem;margin:.5rem 0;overflow-wrap:anywhere}
.doc h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
dl.meta{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0 0 .75rem;color:var(--muted);font-size:.9rem}
dl.meta div{display:flex;gap:.35rem;min-width:0}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.warnings{background:#fff6d5;color:#4d3800;border-left:4px solid #c79100;padding:.25rem .75rem;
margin:.75rem 0}
.warnings h3{margin:.25rem 0;font-size:.95rem}
.warnings ul{margin:.25rem 0;padding-left:1.25rem}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.35rem .5rem;padding:0;margin:.75rem 0}
ul.legend li{border:1px solid var(--line);border-radius:1rem;padding:.1rem .6rem;font-size:.88rem;cursor:help}
.n{display:inline-block;min-width:1.4em;text-align:center;background:#eee;border-radius:.7em;font-size:.8rem;
padding:0 .3em}
.sw{display:inline-block;width:.95em;height:.95em;border:2px solid;border-radius:3px;margin-right:.35em;
vertical-align:-.12em}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,"Times New Roman",serif;
font-size:1.07rem;line-height:2;margin:1rem 0;padding:.75rem 1rem;border:1px solid var(--line);
border-radius:6px}
mark.seg{color:#000;border-radius:2px;cursor:help;-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.seg:focus{outline:2px solid #000;outline-offset:1px}
mark.seg.on{outline:2px solid #000}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.quote{font-family:Georgia,serif;overflow-wrap:anywhere;min-width:12rem}
code{font-size:.78rem;color:var(--muted)}
details{margin:.75rem 0}
summary{cursor:pointer;font-weight:600}
.bars{display:grid;gap:.3rem}
.bars>div{display:grid;grid-template-columns:minmax(7rem,14rem) 1fr 3rem;gap:.6rem;align-items:center}
.bars .pred{font-weight:600}
.bl{overflow-wrap:anywhere}
.bar{display:block;height:.8rem;background:#ececec;border-radius:3px;overflow:hidden}
.bar>span{display:block;height:100%;background:#2f5f8f}
.bars .num{text-align:right;font-variant-numeric:tabular-nums}
.counts{color:var(--muted);margin:1rem 0 0}
.none{color:var(--muted);font-style:italic}
.ment.hl,mark.seg.hl{outline:2px solid #7a2e9e;outline-offset:1px;background-color:#f1e4f7}
mark.hedge{background:none;border-bottom:2px dotted #7a2e9e;color:inherit}
tr.actor{cursor:pointer}
tr.actor[aria-pressed="true"]{background:#f1e4f7}
.al,.hint{color:var(--muted);font-size:.85rem}
table.claims .bar{display:inline-block;width:5rem;vertical-align:middle;margin-right:.35rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
#tip{position:absolute;z-index:10;max-width:min(24rem,calc(100vw - 1rem));background:#fff;color:#111;
border:1px solid #888;border-radius:6px;box-shadow:0 4px 16px rgba(0,0,0,.18);padding:.5rem .75rem;
font-size:.9rem;line-height:1.4}
#tip .row+.row{border-top:1px solid var(--line);margin-top:.4rem;padding-top:.4rem}
#tip .name{font-weight:600}
#tip .conf{color:var(--muted);font-size:.82rem}
footer{color:var(--muted);font-size:.85rem;padding:1rem;border-top:1px solid var(--line);margin-top:2rem}
@media (max-width:40rem){
body{font-size:15px}
.text{padding:.5rem .6rem;font-size:1rem}
.cat{display:none}
.bars>div{grid-template-columns:minmax(5rem,9rem) 1fr 2.6rem}
}
@media (hover:none){mark.seg{cursor:pointer}}
@media print{#tip{display:none}.text{border:0;padding:0}}
"""

JS = """
(function(){
var tip=document.getElementById("tip"),current=null,pointer="mouse",was=null,data={};
document.querySelectorAll("script.tipdata").forEach(function(s){
  data[s.parentNode.id]=JSON.parse(s.textContent);
});
document.querySelectorAll("mark.seg").forEach(function(m){m.removeAttribute("title");});
function show(m){
  var d=data[m.closest("article").id];if(!d){return;}
  tip.textContent="";
  m.getAttribute("data-s").split(" ").forEach(function(i){
    var s=d.spans[+i],l=d.labels[s[0]],row=document.createElement("div"),head=document.createElement("div");
    row.className="row";
    var sw=document.createElement("span");sw.className="sw";sw.style.borderColor=l.colour;
    sw.style.background=l.colour;head.appendChild(sw);
    var name=document.createElement("span");name.className="name";name.textContent=l.name;
    head.appendChild(name);
    var conf=document.createElement("div");conf.className="conf";
    conf.textContent=l.label+" \\u00b7 confidence "+Number(s[1]).toFixed(2);
    var def=document.createElement("div");def.textContent=l.definition;
    row.appendChild(head);row.appendChild(conf);row.appendChild(def);tip.appendChild(row);
  });
  if(current){current.classList.remove("on");}
  current=m;m.classList.add("on");m.setAttribute("aria-describedby","tip");
  tip.hidden=false;
  var r=m.getBoundingClientRect(),w=tip.offsetWidth,h=tip.offsetHeight;
  var vw=document.documentElement.clientWidth;
  var left=Math.max(4,Math.min(r.left,vw-w-4)),top=r.bottom+6;
  if(top+h>window.innerHeight&&r.top-h-6>0){top=r.top-h-6;}
  tip.style.left=(left+window.scrollX)+"px";tip.style.top=(top+window.scrollY)+"px";
}
function hide(){
  tip.hidden=true;
  if(current){current.classList.remove("on");current.removeAttribute("aria-describedby");current=null;}
}
function seg(e){return e.target&&e.target.closest?e.target.closest("mark.seg"):null;}
document.addEventListener("pointerdown",function(e){pointer=e.pointerType||"mouse";was=current;});
document.addEventListener("pointerover",function(e){
  if(e.pointerType==="mouse"){var m=seg(e);if(m){show(m);}}
});
document.addEventListener("pointerout",function(e){
  if(e.pointerType!=="mouse"){return;}
  var m=seg(e),to=e.relatedTarget&&e.relatedTarget.closest?e.relatedTarget.closest("mark.seg"):null;
  if(m&&!to){hide();}
});
document.addEventListener("click",function(e){
  var m=seg(e);
  if(m){if(was===m&&pointer!=="mouse"){hide();}else{show(m);}}
  else if(!tip.contains(e.target)){hide();}
});
document.addEventListener("focusin",function(e){var m=seg(e);if(m){show(m);}});
document.addEventListener("focusout",function(e){if(seg(e)){hide();}});
document.addEventListener("keydown",function(e){if(e.key==="Escape"){hide();}});
window.addEventListener("resize",hide);
function actor(row){
  var doc=row.closest("article"),k=row.getAttribute("data-actor"),on=row.getAttribute("aria-pressed")!=="true";
  doc.querySelectorAll("tr.actor").forEach(function(r){r.setAttribute("aria-pressed","false");});
  doc.querySelectorAll(".hl").forEach(function(el){el.classList.remove("hl");});
  if(!on){return;}
  row.setAttribute("aria-pressed","true");
  doc.querySelectorAll('[data-a~="'+k+'"],[data-ta~="'+k+'"]').forEach(function(el){el.classList.add("hl");});
}
document.addEventListener("click",function(e){var r=e.target.closest&&e.target.closest("tr.actor");if(r){actor(r);}});
document.addEventListener("keydown",function(e){
  var r=e.target.closest&&e.target.closest("tr.actor");
  if(r&&(e.key==="Enter"||e.key===" ")){e.preventDefault();actor(r);}
});
})();
"""
