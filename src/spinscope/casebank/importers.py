"""Importers: EUvsDisinfo CSV, schema.org ClaimReview JSON(-LD), and any CSV/JSONL table, read as `Case`s.

They stream, and stop at the first malformed record with a coded error naming the file and line. An import
is one transaction, so stopping leaves the bank as it was, and a truncated file never passes for a shorter
one: a quote left open or a row cut short is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import Errors, InputError
from .fields import iso_date, language_code, split_list
from .store import CASE_FIELDS, Case, Skipped

Item = Case | Skipped
FORMATS = ("euvsdisinfo", "claimreview", "csv", "jsonl")
MAPPABLE = tuple(name for name in CASE_FIELDS if name != "bank")  # the fields --map may name
EUVSDISINFO_FILE = "full_dataset_formatted.csv"  # the file a folder import of the EUvsDisinfo dump reads
_EUVSDISINFO_COLUMNS = ("date", "outlet", "language", "origin", "keywords", "source", "title", "summary", "disproof")
_EUVSDISINFO_DATES = ("%m/%d/%y", "%d.%m.%Y")  # full_dataset_formatted.csv, full_dataset.csv
_SUFFIXES = (".csv", ".tsv", ".json", ".jsonld", ".jsonl")
_WRAPPERS = ("@graph", "dataFeedElement", "itemListElement", "item")  # JSON-LD graphs, DataFeed, ItemList
_HEAD = 65_536


def _sha12(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def euvsdisinfo_id(date: str, outlet: str, title: str) -> str:
    """The id of an EUvsDisinfo case, from the raw CSV values (the dump has no id column of its own)."""
    return f"euvsdisinfo-{_sha12(date, outlet, title)}"


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """`--map field=column` flags as {field: column}; an empty column leaves the field out."""
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        if not sep or not name.strip():
            raise InputError(Errors.E707(item=item))
        if name.strip() not in MAPPABLE:
            raise InputError(Errors.E706(field=name.strip(), known=", ".join(MAPPABLE)))
        mapping[name.strip()] = column.strip()
    return mapping


def _open_binary(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError as exc:
        raise InputError(Errors.E401(source=path)) from exc
    except OSError as exc:
        raise InputError(Errors.E415(source=path, detail=exc.strerror or type(exc).__name__)) from exc


def _head(path: Path) -> bytes:
    with _open_binary(path) as fh:
        return fh.read(_HEAD)


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in ",;\t|"}
    best = max(counts, key=lambda d: counts[d])  # ties keep ',' (first)
    return best if counts[best] else ","


def detect_format(path: Path) -> str:
    """claimreview for JSON(-LD) that mentions ClaimReview, euvsdisinfo for a CSV with its columns, else
    jsonl or csv by suffix."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonld", ".jsonl"):
        return "claimreview" if suffix == ".jsonld" or b"ClaimReview" in _head(path) else "jsonl"
    lines = _head(path).decode("utf-8-sig", errors="replace").splitlines()
    header = lines[0] if lines else ""
    names = {name.strip().strip('"').lower() for name in header.split(_delimiter(header))}
    return "euvsdisinfo" if {"title", "summary", "disproof"} <= names else "csv"


def import_plan(path: str | Path, fmt: str = "auto") -> list[tuple[Path, str]]:
    """The files an import reads, each with its format. A folder gives its files, or only the EUvsDisinfo
    CSV when it holds one (the dump also ships a `;`-separated copy of the same cases)."""
    path = Path(path)
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(Errors.E410(source=path, fmt=fmt, known=", ".join(("auto", *FORMATS))))
    if (path / EUVSDISINFO_FILE).is_file():
        files = [path / EUVSDISINFO_FILE]
    elif path.is_dir():
        try:
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES and p.is_file())
        except OSError as exc:
            raise InputError(Errors.E415(source=path, detail=exc.strerror or type(exc).__name__)) from exc
        files = [p for p in files if not p.name.startswith(".")]
        if not files:
            raise InputError(Errors.E402(source=path, pattern=", ".join(f"*{s}" for s in _SUFFIXES)))
    elif path.is_file():
        files = [path]
    else:
        raise InputError(Errors.E401(source=path))
    return [(file, detect_format(file) if fmt == "auto" else fmt) for file in files]


def read_cases(
    path: str | Path,
    settings: Mapping[str, Any],
    *,
    fmt: str = "auto",
    bank: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Iterator[Item]:
    """Cases and skipped records of a file or folder, for `CaseBank.upsert`. A missing path or unknown format
    fails here, before any reading; `mapping` ({field: column}) applies to csv and jsonl files."""
    plan = import_plan(path, fmt)
    return _read_plan(plan, settings, bank, dict(mapping or {}))


def _read_plan(
    plan: list[tuple[Path, str]], settings: Mapping[str, Any], bank: str | None, mapping: dict[str, str]
) -> Iterator[Item]:
    max_cases = settings["casebank"]["max_cases"]
    n = 0
    for file, fmt in plan:
        for item in _READERS[fmt](file, settings, bank, mapping):
            n += 1
            if n > max_cases:
                raise InputError(Errors.E709(source=file, limit=max_cases))
            yield item


def _checked(case: Case, where: str) -> Item:
    return case if case.title or case.claim else Skipped(where, "neither title nor claim")


# --- CSV -------------------------------------------------------------------------------------------------


def _csv_rows(path: Path, settings: Mapping[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """("file:line", fields) for every row, the header first; a quote left open at the end is an error."""
    # Long rebuttals can outgrow csv's 128 KiB field limit; the bound is process-wide, so only raise it.
    csv.field_size_limit(max(csv.field_size_limit(), settings["limits"]["max_bytes"]))
    try:
        with io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", newline="") as fh:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else _delimiter(fh.readline())
            fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise InputError(Errors.E406(source=f"{path}:{line}", kind="CSV", detail=exc)) from exc
                if row:  # csv gives [] for a blank line
                    yield f"{path}:{line}", row
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E403(source=path)) from exc


def _csv_table(path: Path, settings: Mapping[str, Any]) -> tuple[list[str], Iterator[tuple[str, dict[str, str]]]]:
    """The header and ("file:line", row) records; a row with another number of fields than the header is an
    error (a file cut short ends that way)."""
    rows = _csv_rows(path, settings)
    _, header = next(rows, ("", []))
    header = [name.strip() for name in header]
    if not any(header):
        raise InputError(Errors.E404(source=path))

    def records() -> Iterator[tuple[str, dict[str, str]]]:
        for where, row in rows:
            if len(row) != len(header):
                detail = f"{len(row)} fields where the header has {len(header)} (a broken or truncated file?)"
                raise InputError(Errors.E406(source=where, kind="CSV", detail=detail))
            yield where, dict(zip(header, row, strict=True))

    return header, records()


def _euvsdisinfo_date(value: str, where: str) -> tuple[str | None, str]:
    """The ISO date, and the date as the id formula takes it: the raw MM/DD/YY string, so that the cases of
    full_dataset.csv (DD.MM.YYYY) get the ids of the same cases in full_dataset_formatted.csv."""
    if not value.strip():
        return None, value
    for form in _EUVSDISINFO_DATES:
        try:
            date = dt.datetime.strptime(value.strip(), form).date()
        except ValueError:
            continue
        return date.isoformat(), value if form == _EUVSDISINFO_DATES[0] else date.strftime(_EUVSDISINFO_DATES[0])
    raise InputError(Errors.E710(source=where, field="date", value=value, form="MM/DD/YY"))


def _euvsdisinfo(path: Path, settings: Mapping[str, Any], bank: str | None, _: Mapping[str, str]) -> Iterator[Item]:
    header, records = _csv_table(path, settings)
    for column in _EUVSDISINFO_COLUMNS:
        if column not in header:
            raise InputError(Errors.E411(source=path, field=column, record="header"))
    for where, row in records:
        date, id_date = _euvsdisinfo_date(row["date"], where)
        case = Case(
            id=euvsdisinfo_id(id_date, row["outlet"], row["title"]),
            bank=bank or "euvsdisinfo",
            title=row["title"].strip(),
            claim=row["summary"].strip(),
            rebuttal=row["disproof"].strip() or None,
            date=date,
            language=language_code(row["language"]),
            countries=split_list(row["origin"]),
            outlet=row["outlet"].strip() or None,
            url=row["source"].strip() or None,
            author="EUvsDisinfo",
            keywords=split_list(row["keywords"]),
        )
        yield _checked(case, where)


# --- JSON ------------------------------------------------------------------------------------------------


def _parse_json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E403(source=where)) from exc
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise InputError(Errors.E406(source=where, kind="JSON", detail=detail)) from exc
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise InputError(Errors.E406(source=where, kind="JSON", detail=type(exc).__name__)) from exc


def _json_document(path: Path, settings: Mapping[str, Any]) -> Any:
    """A whole .json/.jsonld file, parsed at once (JSON-LD graphs cannot be streamed record by record)."""
    limit = settings["casebank"]["max_json_bytes"]
    with _open_binary(path) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(Errors.E714(source=path, limit=limit))
    return _parse_json(data, str(path))


def _json_lines(path: Path, settings: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """("file:line", value) for each non-blank line; `limits.max_bytes` bounds one line."""
    max_bytes = settings["limits"]["max_bytes"]
    with _open_binary(path) as fh:
        for n, line in enumerate(iter(lambda: fh.readline(max_bytes + 1), b""), start=1):
            where = f"{path}:{n}"
            if len(line) > max_bytes:
                raise InputError(Errors.E412(source=where, limit=max_bytes))
            if line.strip():
                yield where, _parse_json(line, where)


def _types(node: Mapping[str, Any]) -> list[str]:
    """'@type' values without their vocabulary prefix ('schema:ClaimReview', 'https://schema.org/ClaimReview')."""
    raw = node.get("@type", node.get("type"))
    return [re.split(r"[/:#]", str(t))[-1] for t in (raw if isinstance(raw, list) else [raw]) if t]


def _objects(document: Any) -> Iterator[Any]:
    """The items a ClaimReview document holds, in order, with lists, @graph, DataFeed and ItemList unwrapped."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict) and "ClaimReview" not in _types(node) and any(k in node for k in _WRAPPERS):
            stack.append(next(node[k] for k in _WRAPPERS if k in node))
        else:
            yield node


def _text(value: Any) -> str:
    """A JSON-LD value as text: a string, a number, {"@value": ...}, or the first of a list."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return _text(value.get("@value"))
    if isinstance(value, list):
        return next((text for item in value if (text := _text(item))), "")
    return ""


def _first(value: Any) -> dict[str, Any]:
    """An object, or the first object of a list ({} when there is none)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str | None:
    """The name of a Person/Organization (or the string given instead)."""
    if isinstance(value, list):
        return next((name for item in value if (name := _name(item))), None)
    return (_text(value.get("name")) if isinstance(value, dict) else _text(value)) or None


def _review_case(node: Mapping[str, Any], bank: str, where: str) -> Item:
    claim = _text(node.get("claimReviewed"))
    url = _text(node.get("url"))
    rating = _text(_first(node.get("reviewRating")).get("alternateName")) or None
    body = _text(node.get("reviewBody")) or _text(node.get("description"))
    language = node.get("inLanguage")
    if isinstance(language, dict):
        language = language.get("alternateName") or language.get("name")
    try:
        date = iso_date(_text(node.get("datePublished")))
    except ValueError:
        date = None  # fact-checkers' feeds are loose about dates; one we cannot read is left out
    case = Case(
        id=_text(node.get("@id")) or f"claimreview-{_sha12(url, claim)}",
        bank=bank,
        title=_text(node.get("name")) or _text(node.get("headline")) or claim,
        claim=claim,
        rebuttal=": ".join(part for part in (rating, body) if part) or None,
        date=date,
        language=language_code(_text(language)),
        outlet=_name(_first(node.get("itemReviewed")).get("author")),
        url=url or None,
        rating=rating,
        author=_name(node.get("author")),
        keywords=split_list(node.get("keywords")),
    )
    return _checked(case, where)


def _reviews(document: Any, where: str, bank: str) -> Iterator[Item]:
    if not isinstance(document, dict | list):
        detail = f"a {type(document).__name__}, not an object or a list of objects"
        raise InputError(Errors.E406(source=where, kind="ClaimReview JSON", detail=detail))
    for n, node in enumerate(_objects(document), start=1):
        at = f"{where}#{n}"
        if not isinstance(node, dict):
            yield Skipped(at, f"a {type(node).__name__}, not an object")
        elif "ClaimReview" not in (types := _types(node)):
            yield Skipped(at, f"@type {', '.join(types) or '(none)'}, not ClaimReview")
        else:
            yield _review_case(node, bank, at)


def _claimreview(path: Path, settings: Mapping[str, Any], bank: str | None, _: Mapping[str, str]) -> Iterator[Item]:
    bank = bank or "claimreview"
    if path.suffix.lower() == ".jsonl":
        for where, value in _json_lines(path, settings):
            yield from _reviews(value, where, bank)
    else:
        yield from _reviews(_json_document(path, settings), str(path), bank)


# --- any table: CSV or JSON Lines with a column mapping --------------------------------------------------


def _value(record: Mapping[str, Any], column: str | None, where: str) -> Any:
    value = None if column is None else record.get(column)
    if value is None or isinstance(value, str | list):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    detail = f"column {column!r} holds a {type(value).__name__}, not text"
    raise InputError(Errors.E406(source=where, kind="record", detail=detail))


def _table_case(record: Mapping[str, Any], columns: Mapping[str, str], bank: str, where: str) -> Item:
    values = {name: _value(record, columns.get(name), where) for name in MAPPABLE}
    text = {name: _text(value) for name, value in values.items()}
    try:
        date = iso_date(text["date"])
    except ValueError:
        form = "YYYY-MM-DD; leave the column out with --map date="
        raise InputError(Errors.E710(source=where, field="date", value=text["date"], form=form)) from None
    case = Case(
        id=text["id"] or f"{bank}-{_sha12(text['title'], text['claim'], text['date'])}",
        bank=bank,
        title=text["title"],
        claim=text["claim"],
        rebuttal=text["rebuttal"] or None,
        date=date,
        language=language_code(text["language"]),
        countries=split_list(values["countries"]),
        outlet=text["outlet"] or None,
        url=text["url"] or None,
        rating=text["rating"] or None,
        author=text["author"] or None,
        keywords=split_list(values["keywords"]),
    )
    return _checked(case, where)


def _columns(mapping: Mapping[str, str], available: Iterable[str], source: Path) -> dict[str, str]:
    """{field: column}: the mapped column, else a column named like the field; a mapped column that is
    missing, or no column for title or claim, is an error."""
    available = list(available)
    shown = ", ".join(available[:30]) or "(none)"
    for name, column in mapping.items():
        if column and column not in available:
            raise InputError(Errors.E708(source=source, column=column, field=name, columns=shown))
    columns = {name: mapping.get(name, name) for name in MAPPABLE}
    columns = {name: column for name, column in columns.items() if column and column in available}
    if "title" not in columns and "claim" not in columns:
        raise InputError(Errors.E713(source=source, columns=shown))
    return columns


def _csv(path: Path, settings: Mapping[str, Any], bank: str | None, mapping: Mapping[str, str]) -> Iterator[Item]:
    header, records = _csv_table(path, settings)
    columns = _columns(mapping, header, path)
    for where, row in records:
        yield _table_case(row, columns, bank or path.stem, where)


def _json_records(path: Path, settings: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """JSON Lines, or a .json file holding one list of records."""
    if path.suffix.lower() == ".jsonl" or not _head(path).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        yield from _json_lines(path, settings)
        return
    items = _json_document(path, settings)
    yield from ((f"{path}[{n}]", item) for n, item in enumerate(items))


def _jsonl(path: Path, settings: Mapping[str, Any], bank: str | None, mapping: Mapping[str, str]) -> Iterator[Item]:
    """Records are checked against the mapping once all are read (JSON records need not share their keys):
    a mapped key that no record has is an error, and so, as for CSV, is a file without title or claim."""
    seen: dict[str, None] = {}
    columns = {name: column for name in MAPPABLE if (column := mapping.get(name, name))}
    for where, record in _json_records(path, settings):
        if not isinstance(record, dict):
            detail = f"a {type(record).__name__}, not an object"
            raise InputError(Errors.E406(source=where, kind="JSON record", detail=detail))
        seen.update(dict.fromkeys(record))
        yield _table_case(record, columns, bank or path.stem, where)
    if seen:
        _columns(mapping, seen, path)


_READERS: dict[str, Callable[[Path, Mapping[str, Any], str | None, Mapping[str, str]], Iterator[Item]]] = {
    "euvsdisinfo": _euvsdisinfo,
    "claimreview": _claimreview,
    "csv": _csv,
    "jsonl": _jsonl,
}
