"""Readers and writers for the official SemEval / PTC label formats, and loaders for the shared data folders.

Formats (all TAB separated, UTF-8, one record per line):

- span files: `article_id<TAB>technique<TAB>start<TAB>end` (SemEval-2023 subtask-3 span gold, PTC
  `task-flc-tc` labels) or the technique-agnostic `article_id<TAB>start<TAB>end` (PTC `task-si` labels).
  Offsets are `str` indices into the article read with `newline=""`, end exclusive. PTC merged classes
  contain commas (`Exaggeration,Minimisation`), which is why only the TAB splits columns.
- paragraph files: `article_id<TAB>line<TAB>tech1,tech2,...`; the third column may be empty or missing,
  exactly as the official subtask-3 scorer reads it (it right-strips the line, so a trailing TAB vanishes).

A path may be one file or a folder of per-article files (PTC and SemEval-2023 ship one file per article).
Blank lines are skipped; every other malformed line raises `FormatError` naming the file and line, so a
broken submission is reported before any score is computed.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import Errors, FormatError
from ..languages import DATASET_TO_ISO, ISO_TO_DATASET
from .splits import SEMEVAL_LANGS

logger = logging.getLogger(__name__)

__all__ = [
    "ISO_TO_LANG",
    "LANG_TO_ISO",
    "SEMEVAL_LANGS",
    "PTCSplit",
    "ParagraphRecord",
    "ParagraphRow",
    "SemEvalLanguage",
    "SpanRecord",
    "article_id_from_name",
    "default_data_root",
    "load_ptc2020",
    "load_semeval2023",
    "paragraph_rows",
    "read_article",
    "read_article_labels",
    "read_paragraphs",
    "read_spans",
    "resolve_data_root",
    "to_dataset_lang",
    "to_iso",
    "write_paragraphs",
    "write_spans",
]

LANG_TO_ISO: dict[str, str] = dict(DATASET_TO_ISO)
"""Dataset language codes (en, fr, ge, it, po, ru) -> ISO 639-1 (ge -> de, po -> pl)."""
ISO_TO_LANG: dict[str, str] = dict(ISO_TO_DATASET)

LABEL_SUFFIXES = (".labels", ".txt", ".tsv")
CORRECTIONS_LABELS = "corrections-labels.txt"  # the labels file of an exported review folder (web app)
"""Files a label folder is read from (SemEval-2023 uses .txt, PTC .labels); others are ignored."""

_ARTICLE_ID = re.compile(r"article(\d+)")
_INT = re.compile(r"\d+")


class SpanRecord(NamedTuple):
    """One span as the files give it; `technique` is None for technique-agnostic (task-si) rows."""

    article_id: str
    technique: str | None
    start: int
    end: int


class ParagraphRecord(NamedTuple):
    """One paragraph row; `line` is the 1-based line number of the article split on `\\n`, because the
    official subtask-3 scorer identifies paragraphs that way."""

    article_id: str
    line: int
    labels: tuple[str, ...]


class ParagraphRow(NamedTuple):
    """A paragraph with its text, as the per-paragraph baseline consumes it."""

    article_id: str
    line: int
    text: str
    labels: tuple[str, ...]


# ---------------------------------------------------------------------------------------------- languages


def to_iso(lang: str) -> str:
    """ISO 639-1 code of a dataset or ISO language code (`ge` -> `de`, `de` -> `de`)."""
    if lang in LANG_TO_ISO:
        return LANG_TO_ISO[lang]
    if lang in ISO_TO_LANG:
        return lang
    raise FormatError(Errors.E406(source=lang, kind="language code", detail=_known_langs()))


def to_dataset_lang(lang: str) -> str:
    """Dataset folder code of a dataset or ISO language code (`de` -> `ge`, `ge` -> `ge`)."""
    if lang in LANG_TO_ISO:
        return lang
    if lang in ISO_TO_LANG:
        return ISO_TO_LANG[lang]
    raise FormatError(Errors.E406(source=lang, kind="language code", detail=_known_langs()))


def _known_langs() -> str:
    return "known: " + ", ".join(f"{k} ({v})" for k, v in LANG_TO_ISO.items())


# ---------------------------------------------------------------------------------------------- file helpers


def article_id_from_name(name: str) -> str | None:
    """`article111111111-labels-subtask-3.txt` -> `111111111`; None when the name carries no id."""
    m = _ARTICLE_ID.search(name)
    return m.group(1) if m else None


def read_article(path: str | Path) -> str:
    """Verbatim article text: `newline=""` keeps CRLF, so the official character offsets stay valid."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return fh.read()


def _label_files(path: Path) -> list[Path]:
    """The files behind a path: the file itself, or a folder's label files in name order."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and p.name.endswith(LABEL_SUFFIXES)
        )
        if not files:
            detail = "no label files (" + ", ".join("*" + s for s in LABEL_SUFFIXES) + ")"
            raise FormatError(Errors.E406(source=path, kind="label folder", detail=detail))
        return files
    raise FormatError(Errors.E401(source=path))


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    """(1-based line number, line without its line end), skipping blank lines."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, raw in enumerate(fh, 1):
                line = raw.rstrip("\r\n")
                if line.strip():
                    yield lineno, line
    except UnicodeDecodeError as exc:
        raise FormatError(Errors.E403(source=path)) from exc


def _offset(text: str, path: Path, lineno: int, what: str) -> int:
    text = text.strip()
    if not _INT.fullmatch(text):
        raise FormatError(Errors.E601(path=path, line=lineno, detail=f"{what} {text!r} is not an integer >= 0"))
    return int(text)


def _check_label(label: str, labels: frozenset[str] | None, path: Path, lineno: int) -> None:
    if labels is not None and label not in labels:
        detail = f"unknown label {label!r} (not one of the {len(labels)} given labels)"
        raise FormatError(Errors.E601(path=path, line=lineno, detail=detail))


def _label_column(raw: str, labels: frozenset[str] | None, path: Path, lineno: int) -> list[str]:
    """`a,b,,a` -> ["a", "b"]: empty items dropped, repeats kept once, each checked against `labels`."""
    names: list[str] = []
    for item in raw.split(","):
        name = item.strip()
        if name and name not in names:
            _check_label(name, labels, path, lineno)
            names.append(name)
    return names


# ---------------------------------------------------------------------------------------------- spans


def read_spans(path: str | Path, *, labels: Iterable[str] | None = None) -> list[SpanRecord]:
    """Read span labels from one file or a folder of per-article files.

    Rows have 4 columns (article, technique, start, end) or 3 (article, start, end; technique None); one
    path must not mix the two. Like the official checker, start < end is required. With `labels`, a
    technique outside that list is an error (the official FLC/TC scorers check the names too).
    """
    known = frozenset(labels) if labels is not None else None
    records: list[SpanRecord] = []
    width: int | None = None
    for file in _label_files(Path(path)):
        for lineno, line in _lines(file):
            cols = line.split("\t")
            if len(cols) not in (3, 4):
                detail = f"expected 3 or 4 TAB-separated columns, found {len(cols)}"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            if width is None:
                width = len(cols)
            elif len(cols) != width:
                detail = f"{len(cols)} columns where earlier rows had {width} (3- and 4-column rows mix)"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            article = cols[0].strip()
            if not article:
                raise FormatError(Errors.E601(path=file, line=lineno, detail="empty article id"))
            technique: str | None = None
            if len(cols) == 4:
                technique = cols[1].strip()
                if not technique:
                    raise FormatError(Errors.E601(path=file, line=lineno, detail="empty technique"))
                _check_label(technique, known, file, lineno)
            start = _offset(cols[-2], file, lineno, "start")
            end = _offset(cols[-1], file, lineno, "end")
            if start >= end:
                detail = f"start {start} is not before end {end} (end is exclusive)"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            records.append(SpanRecord(article, technique, start, end))
    return records


def write_spans(path: str | Path, records: Iterable[Sequence[object]]) -> None:
    """Write spans in the official layout: 4 columns, or 3 when the technique is None (task-si)."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            article, technique, start, end = SpanRecord(*rec)
            if technique is None:
                fh.write(f"{article}\t{start}\t{end}\n")
            else:
                fh.write(f"{article}\t{technique}\t{start}\t{end}\n")


# ---------------------------------------------------------------------------------------------- paragraphs


def read_paragraphs(path: str | Path, *, labels: Iterable[str] | None = None) -> list[ParagraphRecord]:
    """Read paragraph rows (`article<TAB>line<TAB>tech1,tech2,...`) from a file or a folder of files.

    The third column may be empty or absent (no technique). Empty items between commas are ignored and
    repeated labels kept once. A repeated (article, line) row is an error: the official scorer would keep
    only the last one silently. With `labels`, a label outside that list is an error, as in the official
    scorer's format check.
    """
    known = frozenset(labels) if labels is not None else None
    records: list[ParagraphRecord] = []
    seen: dict[tuple[str, int], tuple[Path, int]] = {}
    for file in _label_files(Path(path)):
        for lineno, line in _lines(file):
            cols = line.rstrip().split("\t")
            if len(cols) not in (2, 3):
                detail = f"expected 2 or 3 TAB-separated columns, found {len(cols)}"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            article = cols[0].strip()
            if not article:
                raise FormatError(Errors.E601(path=file, line=lineno, detail="empty article id"))
            para = _offset(cols[1], file, lineno, "paragraph line")
            if para < 1:
                raise FormatError(Errors.E601(path=file, line=lineno, detail="paragraph lines count from 1"))
            names = _label_column(cols[2] if len(cols) == 3 else "", known, file, lineno)
            key = (article, para)
            if key in seen:
                first = seen[key]
                detail = f"row {article}\t{para} repeats {first[0]} line {first[1]}"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            seen[key] = (file, lineno)
            records.append(ParagraphRecord(article, para, tuple(names)))
    return records


def write_paragraphs(path: str | Path, records: Iterable[tuple[str, int, Iterable[str]]]) -> None:
    """Write paragraph rows; a row without techniques keeps its empty third column, like the gold files."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for article, line, names in records:
            joined = ",".join(names)
            fh.write(f"{article}\t{line}\t{joined}\n")


# ---------------------------------------------------------------------------------------------- data folders


ARTICLE_LABEL_FILES = {"genre": "train-labels-subtask-1.txt", "frames": "train-labels-subtask-2.txt"}


def read_document_labels(path: str | Path, *, labels: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Article-level rows (`article<TAB>label1,label2`, SemEval-2023 subtasks 1 and 2) from a file or a
    folder of files, `{article id: labels}`. The second column may be empty or absent; a repeated article
    or (with `labels`) an unknown label is an error, as in the official format check."""
    known = frozenset(labels) if labels is not None else None
    out: dict[str, list[str]] = {}
    for file in _label_files(Path(path)):
        for lineno, line in _lines(file):
            cols = line.rstrip().split("\t")
            article = cols[0].strip()
            if len(cols) > 2 or not article:
                detail = f"expected article<TAB>labels, found {len(cols)} columns" if article else "empty article id"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            if article in out:
                raise FormatError(Errors.E601(path=file, line=lineno, detail=f"article {article} repeats"))
            out[article] = _label_column(cols[1] if len(cols) == 2 else "", known, file, lineno)
    return out


def read_article_labels(data: SemEvalLanguage, task: str) -> dict[str, list[str]]:
    """Article-level gold of one language (`genre`: subtask 1, `frames`: subtask 2), `{article id: labels}`,
    for the articles the subtask-3 folder holds (texts are read from there)."""
    gold = read_document_labels(data.root / ARTICLE_LABEL_FILES[task])
    return {aid: names for aid, names in gold.items() if aid in data.articles}


def default_data_root() -> Path | None:
    """`$SPINSCOPE_DATA`, else the nearest `shared/data` above the working directory or this checkout."""
    env = os.environ.get("SPINSCOPE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for base in (Path.cwd().resolve(), *Path.cwd().resolve().parents, *here.parents):
        cand = base / "shared" / "data"
        if cand.is_dir():
            return cand
    return None


def resolve_data_root(data_root: str | Path | None = None) -> Path:
    """The given data root, else `default_data_root()`; FormatError when it does not exist."""
    root = Path(data_root) if data_root is not None else default_data_root()
    if root is None:
        raise FormatError(Errors.E401(source="shared/data (set SPINSCOPE_DATA)"))
    if not root.is_dir():
        raise FormatError(Errors.E401(source=root))
    return root


def _articles(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise FormatError(Errors.E401(source=folder))
    from ..readers.folder import SemevalReader, doc_id_for

    found = {doc_id_for(p): p for p in SemevalReader.files(folder) if doc_id_for(p).isdigit()}
    if not found:
        raise FormatError(Errors.E402(source=folder, pattern="article<ID>.txt"))
    return dict(sorted(found.items()))


@dataclass(frozen=True, slots=True)
class SemEvalLanguage:
    """One language folder of SemEval-2023 Task 3 (training split): articles, span gold, paragraph gold."""

    lang: str  # dataset code: en, fr, ge, it, po, ru
    iso: str  # ISO 639-1: ge -> de, po -> pl
    root: Path
    articles: dict[str, Path] = field(repr=False)  # article id -> article<ID>.txt, sorted by id
    spans: list[SpanRecord] = field(repr=False)
    paragraphs: list[ParagraphRecord] = field(repr=False)

    @property
    def article_ids(self) -> list[str]:
        return list(self.articles)

    def text(self, article_id: str) -> str:
        return read_article(self.articles[article_id])


def load_semeval2023(lang_or_folder: str | Path, data_root: str | Path | None = None) -> SemEvalLanguage:
    """Load `semeval2023-task3/<lang>`, given a language code (dataset or ISO) or the folder itself."""
    name = str(lang_or_folder)
    if isinstance(lang_or_folder, str) and (name in LANG_TO_ISO or name in ISO_TO_LANG):
        lang = to_dataset_lang(name)
        folder = resolve_data_root(data_root) / "semeval2023-task3" / lang
    else:
        folder = Path(lang_or_folder)
        lang = folder.name
    if not folder.is_dir():
        raise FormatError(Errors.E401(source=folder))
    articles = _articles(folder / "train-articles-subtask-3")
    spans = read_spans(folder / "train-labels-subtask-3-spans")
    paragraphs = read_paragraphs(folder / "train-labels-subtask-3.txt")
    iso = LANG_TO_ISO.get(lang, lang)
    logger.debug("%s: %d articles, %d spans, %d paragraph rows", folder, len(articles), len(spans), len(paragraphs))
    return SemEvalLanguage(lang, iso, folder, articles, spans, paragraphs)


@dataclass(frozen=True, slots=True)
class PTCSplit:
    """One split (train or dev) of the SemEval-2020 Task 11 PTC corpus with its SI and FLC/TC labels."""

    split: str
    root: Path
    articles: dict[str, Path] = field(repr=False)
    si: list[SpanRecord] = field(repr=False)  # technique None
    flc: list[SpanRecord] = field(repr=False)  # with the 14 PTC techniques

    @property
    def article_ids(self) -> list[str]:
        return list(self.articles)

    def text(self, article_id: str) -> str:
        return read_article(self.articles[article_id])


def load_ptc2020(split: str = "train", data_root: str | Path | None = None) -> PTCSplit:
    """Load `ptc2020/<split>-articles` with `<split>-labels-task-si` and `<split>-labels-task-flc-tc`."""
    if split not in ("train", "dev"):
        raise FormatError(Errors.E406(source=split, kind="PTC split", detail="known: train, dev"))
    root = resolve_data_root(data_root) / "ptc2020"
    articles = _articles(root / f"{split}-articles")
    si = read_spans(root / f"{split}-labels-task-si")
    flc = read_spans(root / f"{split}-labels-task-flc-tc")
    return PTCSplit(split, root, articles, si, flc)


def paragraph_rows(data: SemEvalLanguage, ids: Iterable[str] | None = None) -> list[ParagraphRow]:
    """Paragraph gold rows joined with their text (line `n` of the article split on `\\n`, without `\\r`)."""
    wanted = set(data.articles) if ids is None else set(ids)
    lines_of: dict[str, list[str]] = {}
    rows: list[ParagraphRow] = []
    for rec in data.paragraphs:
        if rec.article_id not in wanted:
            continue
        if rec.article_id not in lines_of:
            if rec.article_id not in data.articles:
                raise FormatError(Errors.E401(source=f"{data.root}/article{rec.article_id}.txt"))
            lines_of[rec.article_id] = data.text(rec.article_id).split("\n")
        lines = lines_of[rec.article_id]
        if rec.line > len(lines):
            detail = f"paragraph {rec.line} of article {rec.article_id} is past its {len(lines)} lines"
            raise FormatError(Errors.E406(source=data.root, kind="paragraph gold", detail=detail))
        rows.append(ParagraphRow(rec.article_id, rec.line, lines[rec.line - 1].rstrip("\r"), rec.labels))
    return rows


# ---------------------------------------------------------------------------------------------- roles


class RoleRecord(NamedTuple):
    """One row of the SemEval-2025 Task 10 subtask-1 layout: a mention with its main and fine roles; `end` is
    inclusive, as in the official files (`text[start:end + 1] == mention`)."""

    article_id: str
    mention: str
    start: int
    end: int
    main_role: str
    fine_roles: tuple[str, ...]


def _mention_rows(path: str | Path, want: tuple[str, ...]) -> Iterator[tuple[Path, int, list[str], int, int]]:
    """(file, line number, columns, start, inclusive end) of each row of an entity-framing file or folder, with at
    least the columns `want` names (E601 otherwise, and for an end before its start)."""
    for file in _label_files(Path(path)):
        for lineno, line in _lines(file):
            cols = line.split("\t")
            if len(cols) < len(want):
                detail = f"{len(cols)} columns; want {', '.join(want)}"
                raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
            start, end = _offset(cols[2], file, lineno, "start"), _offset(cols[3], file, lineno, "end")
            if end < start:
                raise FormatError(Errors.E601(path=file, line=lineno, detail="end before start"))
            yield file, lineno, cols, start, end


MENTION_COLUMNS = ("article", "mention", "start", "end")


def read_mentions(path: str | Path) -> list[tuple[str, str, int, int]]:
    """(article id, mention, start, inclusive end) rows of an entity-framing mentions file
    (`article_id<TAB>mention<TAB>start<TAB>end`; role columns after them, as in a gold file, are ignored)."""
    return [(cols[0].strip(), cols[1], start, end) for _, _, cols, start, end in _mention_rows(path, MENTION_COLUMNS)]


def read_roles(path: str | Path) -> list[RoleRecord]:
    """Entity-framing rows (`article_id<TAB>mention<TAB>start<TAB>end<TAB>main_role<TAB>fine_role...`) from one
    file or a folder of them. Every row needs a main role of the taxonomy and at least one of its fine roles;
    a mention (article, start, end) may appear once."""
    from ..labels import ROLES

    records: list[RoleRecord] = []
    seen: set[tuple[str, int, int]] = set()
    for file, lineno, cols, start, end in _mention_rows(path, (*MENTION_COLUMNS, "main role", "fine role(s)")):
        article, mention, main = cols[0].strip(), cols[1], cols[4].strip()
        fine = tuple(dict.fromkeys(c.strip() for c in cols[5:] if c.strip()))
        if main not in ROLES:
            detail = f"main role {main!r} is not one of {', '.join(ROLES)}"
            raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
        wrong = [f for f in fine if f not in ROLES[main]]
        if wrong or not fine:
            detail = f"fine role(s) {wrong or 'none'} not of the main role {main} ({', '.join(ROLES[main])})"
            raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
        if (article, start, end) in seen:
            detail = f"mention {start}-{end} of {article} given twice"
            raise FormatError(Errors.E601(path=file, line=lineno, detail=detail))
        seen.add((article, start, end))
        records.append(RoleRecord(article, mention, start, end, main, fine))
    return records
