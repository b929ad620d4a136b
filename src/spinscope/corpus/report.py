"""`corpus report`: what a corpus run found, as plots and tables, over time and by outlet, language or channel.

Sections: technique prevalence over time and by group, the most targeted actors and how the main actors are
cast (their roles over time and by group), narratives over time,
syndication clusters and who publishes first, the most matched debunked cases, and where the run's time
went (each pipeline step's seconds). Each is a table (the numbers,
also written as CSV) and, where it helps, a plot (matplotlib, embedded as SVG) with a title, axis labels and
a legend, so it reads without the text. Every query goes through `corpus.query.connect`.
"""

from __future__ import annotations

import csv
import functools
import html
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..runner.cancel import Cancellation
from ..writers._common import neutral
from .query import QueryLimits, connect, interruptible
from .shards import RunFolder

GROUPS = {"outlet": "outlet", "language": "language", "channel": "outlet"}  # a channel is a Telegram outlet
TOP = 8  # techniques, actors, narratives and groups shown per plot


@dataclass
class Section:
    title: str
    note: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    svg: str = ""
    slug: str = field(default="")


def build_report(
    root: Path,
    by: str = "outlet",
    since: str | None = None,
    until: str | None = None,
    limits: QueryLimits = QueryLimits(),
    cancel: Cancellation | None = None,
) -> list[Section]:
    """The report's sections for the run in `root` (only documents dated within since/until, when given), read
    over a sandboxed connection within `limits`; a set `cancel` interrupts its queries (`Cancelled`)."""
    group = GROUPS[by]
    con = connect(root, since, until, limits=limits)
    try:
        with interruptible(con, cancel):
            (docs, dated, first, last) = con.execute(
                "SELECT count(*), count(day), min(day), max(day) FROM documents"
            ).fetchone()
            period = _period(first, last)
            sections = [
                Section(
                    "Corpus",
                    f"{docs} documents, {dated} with a date ({first or '-'} to {last or '-'}).",
                    ["group", "documents", "with techniques", "languages"],
                    con.execute(
                        f"SELECT COALESCE({group}, '(none)'), count(*), count(*) FILTER (n_techniques > 0), "
                        f"string_agg(DISTINCT language, ', ') FROM documents GROUP BY 1 ORDER BY 2 DESC LIMIT 50"
                    ).fetchall(),
                    slug="corpus",
                ),
                _over_time(con, "techniques", "technique", period, "Technique prevalence over time"),
                _by_group(con, group, by),
                _actors(con),
                *_cast(con, group, by, period),
                _over_time(con, "narratives", "narrative", period, "Narratives over time"),
                _clusters(con, group),
                _matches(con),
                _steps(root),
            ]
    finally:
        con.close()
    return sections


def _steps(root: Path) -> Section:
    """Where the run's time went: each pipeline step's documents and seconds, from the manifest."""
    steps = (RunFolder(root).read_manifest() or {}).get("steps", {})
    total = sum(s["seconds"] for s in steps.values()) or 1.0
    rows = [
        (name, s["documents"], s["seconds"], round(1000 * s["seconds"] / max(s["documents"], 1), 1),
         round(s["seconds"] / total, 4))
        for name, s in steps.items()
    ]  # fmt: skip
    note = "Seconds each pipeline step spent over the whole run (every document, whatever --since/--until)."
    if not rows:
        note = "Not recorded: the run's shards were written before their markers counted each step."
    svg = _bars([(r[0], r[2]) for r in rows], "Seconds per pipeline step", "seconds") if rows else ""
    columns = ["step", "documents", "seconds", "ms per document", "share of time"]
    return Section("Pipeline steps", note, columns, rows, svg, slug="steps")


def _period(first, last) -> str:
    """The time bucket: days for a few weeks of documents, weeks for a few months, else months."""
    if first is None or last is None:
        return "month"
    span = (last - first).days
    return "day" if span <= 31 else "week" if span <= 183 else "month"


def _over_time(con, view: str, label: str, period: str, title: str) -> Section:
    """Share of the period's dated documents that carry each of the TOP most frequent labels."""
    rows = con.execute(
        f"""WITH top AS (SELECT {label} FROM {view} GROUP BY 1 ORDER BY count(DISTINCT id) DESC LIMIT {TOP}),
        per AS (SELECT date_trunc('{period}', day) AS bucket, count(*) AS n FROM documents WHERE day IS NOT NULL
                GROUP BY 1)
        SELECT CAST(per.bucket AS DATE), top.{label}, round(count(DISTINCT v.id) / max(per.n), 4)
        FROM per CROSS JOIN top LEFT JOIN {view} v ON date_trunc('{period}', v.day) = per.bucket
             AND v.{label} = top.{label}
        GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    note = f"Share of the {period}'s dated documents with each of the {TOP} most frequent {label}s."
    svg = _lines(rows, f"{title} (per {period})", "share of documents", label) if rows else ""
    return Section(title, note, [period, label, "share of documents"], rows, svg, slug=f"{view}-over-time")


def _by_group(con, group: str, by: str) -> Section:
    rows = con.execute(
        f"""WITH g AS (SELECT COALESCE({group}, '(none)') AS g, count(*) AS n FROM documents GROUP BY 1
                       ORDER BY 2 DESC LIMIT {TOP}),
        t AS (SELECT technique FROM techniques GROUP BY 1 ORDER BY count(DISTINCT id) DESC LIMIT {TOP})
        SELECT g.g, t.technique, round(count(DISTINCT x.id) / max(g.n), 4)
        FROM g CROSS JOIN t LEFT JOIN techniques x ON COALESCE(x.{group}, '(none)') = g.g AND x.technique = t.technique
        GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    title = f"Technique prevalence by {by}"
    note = f"Share of each {by}'s documents with each technique ({TOP} largest {by}s, {TOP} most frequent techniques)."
    svg = _heatmap(rows, title, by, "technique") if rows else ""
    return Section(title, note, [by, "technique", "share of documents"], rows, svg, slug="techniques-by-group")


def _actors(con) -> Section:
    rows = con.execute(
        """SELECT name, any_value(type), sum(targeted) AS targeted, count(DISTINCT id) AS documents,
        sum(mentions) AS mentions FROM entities GROUP BY name HAVING sum(targeted) > 0
        ORDER BY targeted DESC, documents DESC LIMIT 20"""
    ).fetchall()
    svg = _bars([(r[0], r[2]) for r in rows[:TOP]], "Most targeted actors", "technique spans aimed at the actor")
    note = "Actors that technique spans are aimed at, over all documents."
    columns = ["actor", "type", "technique spans at it", "documents", "mentions"]
    return Section("Top targeted actors", note, columns, rows, svg if rows else "", slug="actors")


def _cast(con, group: str, by: str, period: str) -> list[Section]:
    """How the TOP actors with the most documents are cast: the share of their documents per main role, over
    time and by group (the plots show the Antagonist share)."""
    top = f"SELECT actor FROM roles GROUP BY 1 ORDER BY count(DISTINCT id) DESC LIMIT {TOP}"
    shares = """round(count(*) FILTER (main_role = 'Antagonist') / count(*), 4),
        round(count(*) FILTER (main_role = 'Protagonist') / count(*), 4),
        round(count(*) FILTER (main_role = 'Innocent') / count(*), 4), count(*)"""
    over_time = con.execute(
        f"""SELECT CAST(date_trunc('{period}', day) AS DATE), actor, {shares} FROM roles
        WHERE actor IN ({top}) AND day IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    by_group = con.execute(
        f"""SELECT COALESCE({group}, '(none)'), actor, {shares} FROM roles
        WHERE actor IN ({top}) AND COALESCE({group}, '(none)') IN (SELECT COALESCE({group}, '(none)') FROM roles
            GROUP BY 1 ORDER BY count(DISTINCT id) DESC LIMIT {TOP}) GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    columns = ["antagonist", "protagonist", "innocent", "documents"]
    lines = [(r[0], r[1], r[2]) for r in over_time]
    cells = [(r[0], r[1], r[2]) for r in by_group]
    note = (
        f"The {TOP} actors with roles in the most documents: the share of their documents casting them as each main "
        "role (SemEval-2025 entity framing); the plot shows the share cast as Antagonist."
    )
    return [
        Section(
            "How the main actors are cast over time",
            note,
            [period, "actor", *columns],
            over_time,
            _lines(lines, f"Cast as Antagonist (per {period})", "share of documents", "actor") if lines else "",
            slug="roles-over-time",
        ),
        Section(
            f"How the main actors are cast by {by}",
            note,
            [by, "actor", *columns],
            by_group,
            _heatmap(cells, f"Cast as Antagonist, by {by}", by, "actor") if cells else "",
            slug="roles-by-group",
        ),
    ]


def _clusters(con, group: str) -> Section:
    rows = con.execute(
        f"""SELECT c.cluster, any_value(c.kind), count(*) AS members, round(any_value(c.similarity), 3),
        string_agg(DISTINCT COALESCE(d.{group}, '(none)'), ', ') AS outlets, min(d.day), any_value(c.earliest),
        any_value(e.{group}) AS first_outlet
        FROM clusters c LEFT JOIN documents d ON d.id = c.member LEFT JOIN documents e ON e.id = c.earliest
        GROUP BY c.cluster ORDER BY members DESC LIMIT 30"""
    ).fetchall()
    copies = con.execute(
        f"""SELECT COALESCE(e.{group}, '(none)') AS first, COALESCE(d.{group}, '(none)') AS copy, count(*) AS n
        FROM clusters c JOIN documents d ON d.id = c.member JOIN documents e ON e.id = c.earliest
        WHERE c.member <> c.earliest GROUP BY 1, 2 ORDER BY 3 DESC LIMIT {TOP}"""
    ).fetchall()
    svg = _bars([(f"{a} -> {b}", n) for a, b, n in copies], "Who copies whom", "documents published after the first")
    note = (
        "Clusters of near-identical or translated documents (`spinscope dedup` in the run); the plot counts, per "
        "pair of outlets, the copies whose cluster started at the first."
        if rows
        else "No syndication clusters in this run."
    )
    columns = ["cluster", "kind", "members", "similarity", "outlets", "first date", "earliest", "first outlet"]
    return Section("Syndication clusters", note, columns, rows, svg if copies else "", slug="clusters")


def _matches(con) -> Section:
    rows = con.execute(
        """SELECT case_id, any_value(title), count(*) AS sentences, count(DISTINCT id) AS documents,
        round(max(score), 3), any_value(url) FROM matches GROUP BY case_id ORDER BY documents DESC, sentences DESC
        LIMIT 20"""
    ).fetchall()
    note = "Debunked cases of the case bank that sentences of the corpus repeat." if rows else "No matched cases."
    columns = ["case", "title", "sentences", "documents", "best score", "url"]
    return Section("Top matched debunked cases", note, columns, rows, slug="matches")


# --- plots ------------------------------------------------------------------------------------------------------


def _figure(width: float = 8.0, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained")


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _plain_text(plot: Callable[..., str]) -> Callable[..., str]:
    """Draw with mathtext (and TeX) off: a `$` in an outlet, actor or technique name is text, never a formula."""

    @functools.wraps(plot)
    def draw(*args: Any) -> str:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            return plot(*args)

    return draw


@_plain_text
def _lines(rows: Sequence[tuple], title: str, ylabel: str, label: str) -> str:
    fig, ax = _figure()
    for name in dict.fromkeys(r[1] for r in rows):
        points = [(r[0], r[2]) for r in rows if r[1] == name]
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=name)
    ax.set(title=title, ylabel=ylabel, xlabel="")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), title=label, title_fontsize=8)
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    return _svg(fig)


@_plain_text
def _bars(items: Sequence[tuple[str, float]], title: str, xlabel: str) -> str:
    if not items:
        return ""
    fig, ax = _figure(height=0.4 * len(items) + 1.2)
    ax.barh([str(i[0]) for i in reversed(items)], [i[1] for i in reversed(items)], color="#3b6ea5")
    ax.set(title=title, xlabel=xlabel)
    ax.tick_params(axis="y", labelsize=8)
    return _svg(fig)


@_plain_text
def _heatmap(rows: Sequence[tuple], title: str, ylabel: str, xlabel: str) -> str:
    ys, xs = list(dict.fromkeys(r[0] for r in rows)), list(dict.fromkeys(r[1] for r in rows))
    grid = [[0.0] * len(xs) for _ in ys]
    for y, x, v in rows:
        grid[ys.index(y)][xs.index(x)] = v or 0.0
    fig, ax = _figure(height=0.45 * len(ys) + 2.2)
    image = ax.imshow(grid, cmap="Blues", vmin=0, aspect="auto")
    ax.set_xticks(range(len(xs)), [x.replace("_", " ") for x in xs], rotation=35, ha="right", fontsize=7)
    ax.set_yticks(range(len(ys)), ys, fontsize=8)
    ax.set(title=title, ylabel=ylabel, xlabel=xlabel)
    fig.colorbar(image, ax=ax, label="share of documents")
    return _svg(fig)


# --- outputs ----------------------------------------------------------------------------------------------------


def to_html(sections: Sequence[Section], heading: str) -> str:
    """One self-contained page: inline SVG plots, tables, no external requests."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(heading)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
    ]
    parts += [section_html(s) for s in sections]
    parts.append("</body></html>")
    return "".join(parts)


def section_html(s: Section) -> str:
    """One section: heading, note, plot (inline SVG) and table, every value escaped."""
    parts = [f"<section id='{s.slug}'><h2>{html.escape(s.title)}</h2><p>{html.escape(s.note)}</p>"]
    if s.svg:
        parts.append(f"<figure>{s.svg}</figure>")
    if s.rows:
        parts.append(table_html(s.columns, s.rows))
    parts.append("</section>")
    return "".join(parts)


def table_html(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_shown(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def to_markdown(sections: Sequence[Section], heading: str, plots: Path) -> str:
    """Markdown tables; each plot is written as an SVG file in `plots` and linked."""
    lines = [f"# {heading}", ""]
    for s in sections:
        lines += [f"## {s.title}", "", s.note, ""]
        if s.svg:
            plots.mkdir(parents=True, exist_ok=True)
            (plots / f"{s.slug}.svg").write_text(s.svg, encoding="utf-8")
            lines += [f"![{s.title}]({plots.name}/{s.slug}.svg)", ""]
        if s.rows:
            lines.append("| " + " | ".join(s.columns) + " |")
            lines.append("|" + "---|" * len(s.columns))
            lines += ["| " + " | ".join(_cell(v).replace("|", "\\|") for v in row) + " |" for row in s.rows]
            lines.append("")
    return "\n".join(lines)


def write_tables(sections: Sequence[Section], folder: Path) -> list[Path]:
    """Each section's table as `<slug>.csv` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for s in sections:
        path = folder / f"{s.slug}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(s.columns)
            writer.writerows([[_cell(v) for v in row] for row in s.rows])
        written.append(path)
    return written


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _shown(value: Any) -> str:
    """A cell for HTML: escaped, its bidi controls shown rather than obeyed (outlets and titles are anyone's)."""
    return html.escape(neutral(_cell(value)))


_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem;display:block;overflow-x:auto}
th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left}figure{margin:0}
figure svg{max-width:100%;height:auto}h2{margin-top:2rem}"""
