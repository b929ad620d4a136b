"""The views of the built-in record fields (`writers.views`, registered at import): report sections
(terminal and HTML) rendered from the record, counts phrases and the highlights of report rows.

Claims show a check-worthiness bar, who says them (kind, speaker, cue) and their hedges marked in the
sentence (`‹allegedly›` in plain text, underlined on a terminal, `<mark class="hedge">` in HTML). The actor
table lists each actor's mentions, the techniques aimed at it and its claims (numbers in the claims list);
in HTML, clicking an actor highlights its mentions and the spans aimed at it (`data-actor` rows, see the
report's script).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from .. import labels
from ..labels import human_name
from . import html, terminal
from .html import _e
from .terminal import BAR_WIDTH, TerminalView, bar, printable
from .views import View, views

CLAIM_BAR = BAR_WIDTH // 2


def speaker_line(attribution: Mapping[str, Any]) -> str:
    """ "reported: the minister (said)" / "vague: experts (experts say)" / "unattributed"."""
    kind = attribution["kind"]
    who = attribution.get("name") or attribution.get("speaker")
    cue = attribution.get("cue")
    if not who and not cue:
        return kind if kind != "quote" else "quote: speaker not found"
    return f"{kind}: {who or '?'}" + (f" ({cue})" if cue else "")


def _pieces(text: str, start: int, marks: Sequence[Mapping[str, Any]]) -> list[tuple[str, bool]]:
    """`text` (starting at offset `start`) cut into (piece, is_hedge) around the hedges."""
    out, at = [], 0
    for h in sorted(marks, key=lambda m: m["start"]):
        a, b = h["start"] - start, h["end"] - start
        if a < at or b > len(text):
            continue
        out += [(text[at:a], False), (text[a:b], True)]
        at = b
    out.append((text[at:], False))
    return [p for p in out if p[0]]


def claims_terminal(record: Mapping[str, Any], view: TerminalView) -> Table | Text:
    claims = record["claims"]
    if not claims:
        return Text("No check-worthy claims found.", style="italic")
    table = Table(title=f"Check-worthy claims ({len(claims)})", title_justify="left", expand=False)
    table.add_column("#", justify="right")
    table.add_column("Check-worthiness", no_wrap=True)
    table.add_column("Claim (‹hedges› marked)", ratio=2)
    table.add_column("Who says it", ratio=1)
    for n, claim in enumerate(claims, start=1):
        sentence = Text()
        for piece, hedge in _pieces(claim["text"], claim["start"], claim["hedges"]):
            shown = printable(piece)
            if hedge:
                sentence.append(
                    shown if view.rich_mode else f"‹{shown}›", style="bold underline" if view.rich_mode else ""
                )
            else:
                sentence.append(shown)
        score = claim["checkworthiness"]
        table.add_row(
            str(n),
            Text(f"{bar(score, CLAIM_BAR)} {score:.2f}", style="magenta" if view.rich_mode else ""),
            sentence,
            printable(speaker_line(claim["attribution"])),
        )
    return table


def quotes_terminal(record: Mapping[str, Any], view: TerminalView) -> Table | None:
    quotes = record["quotes"]
    if not quotes:
        return None
    table = Table(title=f"Direct quotes ({len(quotes)})", title_justify="left", expand=False)
    table.add_column("Quote", ratio=2)
    table.add_column("Who says it", ratio=1)
    for q in quotes:
        table.add_row(printable(q["text"]), printable(speaker_line(q["attribution"])))
    return table


def actors_terminal(record: Mapping[str, Any], view: TerminalView) -> Table | Text:
    actors = record["entities"]
    if not actors:
        return Text("No actors found.", style="italic")
    table = Table(title=f"Actors ({len(actors)})", title_justify="left", expand=False)
    table.add_column("Actor", ratio=1)
    table.add_column("Type", no_wrap=True)
    table.add_column("Mentions", justify="right")
    table.add_column("Cast as", ratio=1)
    table.add_column("Techniques aimed at it", ratio=2, min_width=22)
    table.add_column("Claims", no_wrap=True)
    for actor in actors:
        name = actor["name"] + (f" ({', '.join(actor['aliases'][:3])})" if actor["aliases"] else "")
        table.add_row(
            printable(name),
            actor["type"],
            str(len(actor["mentions"])),
            cast_as(actor),
            _aimed(actor, view.rich_mode),
            ", ".join(f"#{i + 1}" for i in actor["claims"]),
        )
    return table


SHOWN_FINE = 2  # fine roles a report names per actor (the JSON lists every one)


def cast_as(actor: Mapping[str, Any]) -> str:
    """ "Antagonist - Deceiver, Corrupt": the actor's main role and fine roles ("" without roles)."""
    roles = actor.get("roles")
    if not roles:
        return ""
    return f"{roles['main']} - {', '.join(f['role'] for f in roles['fine'][:SHOWN_FINE])}"


def _aimed(actor: Mapping[str, Any], human: bool) -> str:
    counts: dict[str, int] = {}
    for t in actor["targeted_by"]:
        counts[t["technique"]] = counts.get(t["technique"], 0) + 1
    return ", ".join(f"{human_name(k) if human else k} ×{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))


# --- HTML ----------------------------------------------------------------------------------------------------


def _hedged_html(claim: Mapping[str, Any]) -> str:
    return "".join(
        f'<mark class="hedge" title="hedge">{_e(p)}</mark>' if h else _e(p)
        for p, h in _pieces(claim["text"], claim["start"], claim["hedges"])
    )


def _table(title: str, head: Sequence[str], rows: str, cls: str, hint: str = "") -> str:
    """A report section: its heading, a hint, and a table that scrolls sideways on a phone (`head` cells are
    HTML, `rows` the escaped `<tr>`s)."""
    cells = "".join(f'<th scope="col">{h}</th>' for h in head)
    note = f'<p class="hint">{hint}</p>' if hint else ""
    return (
        f'<section><h3>{title}</h3>{note}<div class="scroll"><table class="{cls}"><thead><tr>{cells}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div></section>"
    )


def paragraphs_html(record: Mapping[str, Any]) -> str:
    """Paragraph lines that carry techniques, each with the start of its text."""
    rows = "".join(
        f'<tr><td class="num">{p["line"]}</td>'
        f'<td class="quote">{_e(_excerpt(record["text"][p["start"] : p["end"]], 160))}</td>'
        f"<td>{_e(', '.join(human_name(t) for t in p['techniques']))}</td></tr>"
        for p in record["paragraphs"]
        if p["techniques"]
    )
    return _table("Paragraphs", ["Line", "Paragraph", "Techniques"], rows, "paragraphs") if rows else ""


def claims_html(record: Mapping[str, Any]) -> str:
    claims = record["claims"]
    if not claims:
        return ""
    rows = "".join(
        f'<tr id="claim-{n}"><td class="num">{n}</td>'
        f'<td><span class="bar" aria-hidden="true"><span style="width:{c["checkworthiness"] * 100:.1f}%"></span></span>'
        f'<span class="num">{c["checkworthiness"]:.2f}</span></td>'
        f'<td class="quote">{_hedged_html(c)}</td><td>{_e(speaker_line(c["attribution"]))}</td></tr>'
        for n, c in enumerate(claims, start=1)
    )
    head = ["#", "Check-worthiness", 'Claim (<mark class="hedge">hedges</mark> marked)', "Who says it"]
    return _table(f"Check-worthy claims ({len(claims)})", head, rows, "claims")


def quotes_html(record: Mapping[str, Any]) -> str:
    quotes = record["quotes"]
    if not quotes:
        return ""
    rows = "".join(
        f'<tr><td class="quote">{_e(q["text"])}</td><td>{_e(speaker_line(q["attribution"]))}</td></tr>' for q in quotes
    )
    return _table(f"Direct quotes ({len(quotes)})", ["Quote", "Who says it"], rows, "quotes")


def actors_html(record: Mapping[str, Any]) -> str:
    actors = record["entities"]
    if not actors:
        return ""
    rows = []
    for k, actor in enumerate(actors):
        aliases = f'<br><span class="al">{_e(", ".join(actor["aliases"]))}</span>' if actor["aliases"] else ""
        claims = " ".join(f'<a href="#claim-{i + 1}">#{i + 1}</a>' for i in actor["claims"])
        rows.append(
            f'<tr class="actor" tabindex="0" role="button" aria-pressed="false" data-actor="{k}">'
            f"<td>{_e(actor['name'])}{aliases}</td><td>{_e(actor['type'])}</td>"
            f'<td class="num">{len(actor["mentions"])}</td>{_cast_html(actor)}<td>{_e(_aimed(actor, True))}</td>'
            f"<td>{claims}</td></tr>"
        )
    head = ["Actor", "Type", "Mentions", "Cast as", "Techniques aimed at it", "Claims"]
    hint = "Click an actor to highlight its mentions and the spans aimed at it."
    return _table(f"Actors ({len(actors)})", head, "".join(rows), "actors", hint)


def _cast_html(actor: Mapping[str, Any]) -> str:
    """The "Cast as" cell: roles, their scores and the first evidence sentence as its tooltip."""
    roles = actor.get("roles")
    if not roles:
        return "<td></td>"
    scores = ", ".join(f"{k} {v:.2f}" for k, v in roles["scores"].items())
    fine = ", ".join(f"{f['role']} {f['score']:.2f}" for f in roles["fine"])
    evidence = f"\n{_excerpt(roles['evidence'][0]['text'])}" if roles["evidence"] else ""
    return f'<td title="{_e(scores + chr(10) + fine + evidence)}">{_e(cast_as(actor))}</td>'


# --- known claims and narratives -------------------------------------------------------------------------------


def _excerpt(text: str | None, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def matches_terminal(record: Mapping[str, Any], view: TerminalView) -> Table | None:
    matches = record["matches"]
    if not matches:
        return None
    table = Table(title=f"Known debunked claims ({len(matches)})", title_justify="left", expand=False)
    table.add_column("Sentence", ratio=2)
    table.add_column("Known case", ratio=2)
    table.add_column("Match", no_wrap=True)
    table.add_column("Rebuttal", ratio=2)
    for m in matches:
        case = printable(m["title"]) + (f"\n{m['url']}" if m.get("url") else "") + f"\n[{m['bank']}: {m['case_id']}]"
        table.add_row(
            printable(m["text"]),
            case,
            f"{m['score']:.2f} ({m['via']}, cos {m['similarity']:.2f})",
            printable(_excerpt(m.get("rebuttal"))),
        )
    return table


def matches_html(record: Mapping[str, Any]) -> str:
    matches = record["matches"]
    if not matches:
        return ""
    rows = "".join(
        f'<tr class="actor" tabindex="0" role="button" aria-pressed="false" data-actor="m{k}">'
        f'<td class="quote">{_e(m["text"])}</td><td>{_e(m["title"])}'
        + (f'<br><a href="{_e(m["url"])}" rel="noreferrer noopener">{_e(m["url"])}</a>' if m.get("url") else "")
        + f'<br><span class="al">{_e(m["bank"])}: {_e(m["case_id"])}</span></td>'
        f'<td class="num">{m["score"]:.2f}<br><span class="al">{_e(m["via"])}, cos {m["similarity"]:.2f}</span></td>'
        f"<td>{_e(_excerpt(m.get('rebuttal'), 400))}</td></tr>"
        for k, m in enumerate(matches)
    )
    head = ["Sentence", "Known case", "Match", "Rebuttal"]
    return _table(f"Known debunked claims ({len(matches)})", head, rows, "matches")


def _evidence_text(record: Mapping[str, Any], narrative: Mapping[str, Any], limit: int = 160) -> str:
    return " | ".join(_excerpt(record["text"][e["start"] : e["end"]], limit) for e in narrative["evidence"][:2])


def narratives_terminal(record: Mapping[str, Any], view: TerminalView) -> Table | Text:
    items = record["narratives"]
    if not items:
        return Text("No narratives.", style="italic")
    table = Table(title="Narratives", title_justify="left", expand=False)
    table.add_column("Narrative / sub-narrative", ratio=1)
    table.add_column("Score", no_wrap=True)
    table.add_column("Evidence (best sentences)", ratio=2)
    for n in items:
        name = n["narrative"] + (
            f"\n  {n['subnarrative'].rsplit(': ', 1)[-1]}" if n["subnarrative"] not in (None, labels.OTHER) else ""
        )
        if n["source"] == "user":
            name += " (yours)"
        table.add_row(
            printable(name), f"{bar(n['score'], CLAIM_BAR)} {n['score']:.2f}", printable(_evidence_text(record, n))
        )
    return table


def narratives_html(record: Mapping[str, Any]) -> str:
    items = record["narratives"]
    if not items:
        return ""
    rows = []
    for k, n in enumerate(items):
        sub = n["subnarrative"] if n["subnarrative"] not in (None, labels.OTHER) else ""
        ev = "".join(
            f"<li>{_e(_excerpt(record['text'][e['start'] : e['end']], 240))} "
            f'<span class="num">{e["score"]:.2f}</span></li>'
            for e in n["evidence"]
        )
        mine = ' <span class="al">(yours)</span>' if n["source"] == "user" else ""
        short = sub.rsplit(": ", 1)[-1] if sub else ""
        rows.append(
            f'<tr class="actor" tabindex="0" role="button" aria-pressed="false" data-actor="n{k}">'
            f'<td>{_e(n["narrative"])}{mine}<br><span class="al">{_e(short)}</span></td>'
            f'<td><span class="bar" aria-hidden="true"><span style="width:{n["score"] * 100:.1f}%"></span></span>'
            f'<span class="num">{n["score"]:.2f}</span></td><td><ul class="evidence">{ev}</ul></td></tr>'
        )
    hint = "Click a narrative to highlight its evidence in the text."
    return _table("Narratives", ["Narrative", "Score", "Evidence"], "".join(rows), "narratives", hint)


# --- frames, genre and the closing counts --------------------------------------------------------------------


def frame_rows(record: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """(frame, score, predicted) by descending score (the order a bar chart reads best in)."""
    frames = sorted(record["frames"], key=lambda f: (-float(f["score"]), str(f["frame"])))
    return [(f["frame"], float(f["score"]), bool(f["predicted"])) for f in frames]


def genre_rows(record: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """(genre, score, chosen) rows; a genre result without scores still shows its label at full bar."""
    genre = record["genre"]
    if not genre:
        return []
    scores = genre.get("scores") or {genre["label"]: 1.0}
    rows = sorted(scores.items(), key=lambda kv: (-float(kv[1]), kv[0]))
    return [(name, float(score), name == genre["label"]) for name, score in rows]


def bars_view(title: str, rows: Callable[[Mapping[str, Any]], list[tuple[str, float, bool]]]) -> View:
    """A document label shown as bars (`rows` of the record)."""
    return View(
        terminal=lambda record, view: terminal.bars(f"{title} (✓ = predicted)", rows(record), view),
        html=lambda record: html.bars(title, rows(record)),
        title=title,
    )


def narratives_summary(record: Mapping[str, Any]) -> str | None:
    """ "Narratives: A, B" / "Narratives: none known" (Other); None when the component did not run."""
    if not record["narratives"]:
        return None
    names = dict.fromkeys(n["narrative"] for n in record["narratives"] if n["narrative"] != labels.OTHER)
    return "Narratives: " + (", ".join(names) or "none known")


def _count(field: str, name: str, always: bool = True) -> Callable[[Mapping[str, Any]], str | None]:
    """The counts-line phrase "<name>: <n>" (None for none, unless `always`)."""
    return lambda record: f"{name}: {len(record[field])}" if always or record[field] else None


# --- what a report row highlights when clicked (its key in `actor`) ---------------------------------------------


def _marks(field: str, prefix: str, spans: Callable[[Mapping[str, Any]], Any]):
    """Marks of each item of `field` keyed `<prefix><index>`, on the spans `spans(item)` yields."""
    return lambda record: [
        {"start": s["start"], "end": s["end"], "actor": f"{prefix}{k}"}
        for k, item in enumerate(record.get(field, []))
        for s in spans(item)
    ]


def _aims(record: Mapping[str, Any]) -> list[tuple[tuple[str, int, int], str]]:
    """Each technique span aimed at an actor, with the actor's row key."""
    return [
        ((t["technique"], t["start"], t["end"]), str(k))
        for k, actor in enumerate(record.get("entities", []))
        for t in actor["targeted_by"]
    ]


views.register(
    "techniques", View(terminal=terminal.technique_summary, html=html.technique_sections, title="Techniques")
)
views.register("paragraphs", View(html=paragraphs_html, title="Paragraphs"))
views.register("frames", bars_view("Frames", frame_rows))
views.register("genre", bars_view("Genre", genre_rows))
views.register(
    "claims",
    View(claims_terminal, claims_html, "Check-worthy claims", _count("claims", "Claims")),
)
views.register("quotes", View(quotes_terminal, quotes_html, "Direct quotes", _count("quotes", "Quotes", always=False)))
views.register(
    "entities",
    View(
        actors_terminal,
        actors_html,
        "Actors",
        _count("entities", "Entities"),
        marks=_marks("entities", "", lambda actor: actor["mentions"]),
        targets=_aims,
    ),
)
views.register(
    "narratives",
    View(
        narratives_terminal,
        narratives_html,
        "Narratives",
        narratives_summary,
        marks=_marks("narratives", "n", lambda narrative: narrative["evidence"]),
    ),
)
views.register(
    "matches",
    View(
        matches_terminal,
        matches_html,
        "Known debunked claims",
        _count("matches", "Known claims", always=False),
        marks=_marks("matches", "m", lambda match: [match]),
    ),
)
