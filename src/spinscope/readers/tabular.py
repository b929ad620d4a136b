"""Record files (JSONL, a JSON list, CSV/TSV): one Document per record, bad records rejected one by one.

Corpora in these formats are large, so JSONL and CSV are streamed and `limits.max_bytes` applies to
each record rather than to the file (a JSON list has to be loaded whole, so there it caps the file).
`limits.max_records` caps how many records one file may contribute.

Field names come from `settings["input"]` (text_field, id_field, title_field); `date` and
`language`/`lang` fields are used when present and every other field lands in `meta["fields"]`. A record
without an id is called `<file stem>:<n>`, n being its 1-based record number (the line number in JSONL).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .textio import (
    ByteStream,
    broken_gzip,
    check_text,
    date_header,
    first_escaped,
    guess_encoding,
    limit,
    mostly_utf8,
    open_binary,
    read_bytes,
    undecodable,
)

logger = logging.getLogger(__name__)

_SNIFF = 65_536
_DELIMITERS = ",;\t|"
_OWN_FIELDS = ("date", "language", "lang")
_GIVE_UP = 1000  # bad records in a row, before any good one, after which a file counts as unreadable


def _parse_error(where: str, kind: str, exc: Exception) -> InputError:
    detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or type(exc).__name__
    return InputError(Errors.E406(source=where, kind=kind, detail=detail))


class RecordReader(Reader):
    """Shared record -> Document logic and the "nothing readable at all" rule."""

    kind = "record"

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        options = settings.get("input", {})
        self.text_field = options.get("text_field", "text")
        self.id_field = options.get("id_field", "id")
        self.title_field = options.get("title_field", "title")

    def records(self, content: Content) -> Iterator[tuple[int, str, Mapping[str, Any] | InputError]]:
        """(record number, location "file:line", parsed record or the error that stopped it)."""
        raise NotImplementedError

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        """Yield Documents and Rejected records in file order.

        Rejections are held back until the first good record: a file in which no record at all can be
        read is the wrong format or broken as a whole, and that deserves one error, not a Rejected per line.
        After `_GIVE_UP` bad records without a good one the file is declared broken without reading on.
        """
        source = content.name
        held: list[Rejected] = []
        docs = tried = 0
        max_records = limit(self.settings, "max_records")
        for n, where, record in self.records(content):
            if tried >= max_records:
                yield Rejected(source, Errors.E413(source=source, limit=max_records))
                return
            tried += 1
            try:
                if isinstance(record, InputError):
                    raise record
                doc = self.document(record, n=n, where=where, source=source)
            except InputError as exc:
                rejected = Rejected(where, exc.args[0])
                if docs:
                    yield rejected
                    continue
                held.append(rejected)
                if len(held) >= _GIVE_UP:
                    break
                continue
            if not docs:
                yield from held
                held.clear()
            docs += 1
            yield doc
        if not docs:
            if not held:
                raise InputError(Errors.E404(source=source))
            detail = f"none of the first {tried} record(s) could be read; first problem: {held[0].message}"
            raise InputError(Errors.E406(source=source, kind=f"{self.kind} file", detail=detail))

    def document(self, record: Mapping[str, Any], *, n: int, where: str, source: str) -> Document:
        text = record.get(self.text_field)
        if text is None:
            raise InputError(Errors.E411(source=where, field=self.text_field, record=n))
        if not isinstance(text, str):
            detail = f"field {self.text_field!r} is {type(text).__name__}, not a string"
            raise InputError(Errors.E406(source=where, kind="record", detail=detail))
        header = date_header(text)
        check_text(text, where, self.settings, body_start=header[1] if header else 0)
        doc_id = record.get(self.id_field)
        doc = Document(
            id=str(doc_id) if doc_id not in (None, "") else f"{Path(source).stem}:{n}",
            text=text,
            source=where,
            title=_str_or_none(record.get(self.title_field)),
            date=_str_or_none(record.get("date")) or (header[0] if header else None),
        )
        if header:
            doc.meta["header_end"] = header[1]
        if language := _str_or_none(record.get("language") or record.get("lang")):
            doc.language = language.strip().lower()
        taken = {self.text_field, self.id_field, self.title_field, *_OWN_FIELDS}
        if fields := {k: v for k, v in record.items() if k not in taken and k is not None}:
            doc.meta["fields"] = fields
        return doc


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _head(content: Content) -> bytes:
    """The first _SNIFF bytes (decompressed), or as many as a truncated .gz gives."""
    with open_binary(content) as fh:
        return fh.read(_SNIFF)


def _lines(fh: ByteStream, max_bytes: int) -> Iterator[bytes | None]:
    """Lines of a binary stream, each read with a bound; None stands for a line over `max_bytes`. A line that
    a broken .gz cut off ends them (the break is reported instead)."""
    while line := fh.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass  # skip the remainder of the oversized line without holding it
            yield None
        elif fh.cut_short(line):
            return
        else:
            yield line


def _whole_lines(fh: TextIO, data: ByteStream) -> Iterator[str]:
    """The lines of a text stream over `data`, less one that a broken .gz cut off (the break is reported)."""
    for line in fh:
        if data.cut_short(line):
            return
        yield line


@registry.readers.register("json")
@registry.readers.register("jsonl")
class JsonlReader(RecordReader):
    """JSON Lines (one object per line), or a `.json` file holding one list of objects."""

    name = "jsonl"
    kind = "JSONL"

    def records(self, content: Content) -> Iterator[tuple[int, str, Mapping[str, Any] | InputError]]:
        source = content.name
        head = _head(content)
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")[0]
        if b"\x00" in first:  # JSON never holds a raw NUL; in the first record it means a binary file
            raise InputError(Errors.E403(source=source))
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            yield from self._json_list(content)
            return
        max_bytes = limit(self.settings, "max_bytes")
        with open_binary(content) as fh:
            n = 0
            for n, raw in enumerate(_lines(fh, max_bytes), start=1):
                where = f"{source}:{n}"
                if raw is None:
                    yield n, where, InputError(Errors.E412(source=where, limit=max_bytes))
                    continue
                if n == 1:
                    raw = raw.removeprefix(codecs.BOM_UTF8)
                if raw.strip():
                    yield n, where, _parse_line(raw, where)
            if fh.broken is not None:  # a truncated or corrupt .gz: the records before the break are kept
                yield n + 1, f"{source}:{n + 1}", broken_gzip(source, f"line {n}", fh.broken)

    def _json_list(self, content: Content) -> Iterator[tuple[int, str, Mapping[str, Any] | InputError]]:
        source = content.name
        try:
            items = json.loads(read_bytes(content, self.settings).decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise InputError(Errors.E403(source=source)) from exc
        except (ValueError, RecursionError) as exc:
            raise _parse_error(source, "JSON", exc) from exc
        if not isinstance(items, list):
            raise InputError(Errors.E406(source=source, kind="JSON", detail="expected a list of objects"))
        for n, item in enumerate(items, start=1):
            where = f"{source}[{n - 1}]"
            if not isinstance(item, dict):
                detail = f"item is {type(item).__name__}, not an object"
                yield n, where, InputError(Errors.E406(source=where, kind="record", detail=detail))
            else:
                yield n, where, item


def _parse_line(raw: bytes, where: str) -> Mapping[str, Any] | InputError:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return undecodable(where, "utf-8", raw[exc.start], f"at byte {exc.start} of the line")
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return _parse_error(where, "JSON", exc)
    if not isinstance(value, dict):
        detail = f"{type(value).__name__}, not an object"
        return InputError(Errors.E406(source=where, kind="JSON", detail=detail))
    return value


@registry.readers.register("csv")
class CsvReader(RecordReader):
    """CSV with a header row. The delimiter is the most frequent of `, ; TAB |` in the header (TAB for
    `.tsv`), because corpora ship all of these and Sniffer is unreliable on long quoted article texts."""

    name = "csv"
    kind = "CSV"

    def records(self, content: Content) -> Iterator[tuple[int, str, Mapping[str, Any] | InputError]]:
        source = content.name
        head = _head(content)
        encoding = _csv_encoding(head, source)
        tsv = source.lower().removesuffix(".gz").endswith(".tsv")
        delimiter = "\t" if tsv else _delimiter(head.partition(b"\n")[0].decode(encoding, "replace"))
        # Articles outgrow csv's default 128 KiB field limit; the bound is process-wide, so only raise it.
        csv.field_size_limit(max(csv.field_size_limit(), limit(self.settings, "max_bytes")))
        # surrogateescape: a byte the encoding cannot decode rejects its row (see _decoded), not the whole file
        with open_binary(content) as data, io.TextIOWrapper(data, encoding, "surrogateescape", newline="") as fh:
            rows = csv.DictReader(_whole_lines(fh, data), delimiter=delimiter)
            if not rows.fieldnames:
                raise InputError(Errors.E404(source=source))
            if self.text_field not in rows.fieldnames:
                raise InputError(Errors.E411(source=source, field=self.text_field, record="header"))
            n = yield from _rows(rows, source, encoding)
            if data.broken is not None:  # a truncated or corrupt .csv.gz: the rows before the break are kept
                yield n + 1, f"{source}:{rows.line_num + 1}", broken_gzip(source, f"line {rows.line_num}", data.broken)


Record = tuple[int, str, Mapping[str, Any] | InputError]


def _rows(rows: csv.DictReader[str], source: str, encoding: str) -> Generator[Record, None, int]:
    """(record number, "file:line", row or its error) for each row; returns the number of rows."""
    n = 0
    while True:
        where = f"{source}:{rows.line_num + 1}"
        try:
            row: Mapping[str, Any] | InputError = _decoded(next(rows), where, encoding)
        except StopIteration:
            return n
        except csv.Error as exc:
            row = _parse_error(where, "CSV", exc)
        n += 1
        yield n, where, row


def _decoded(row: dict[Any, Any], where: str, encoding: str) -> Mapping[str, Any] | InputError:
    """The row, or E406 when one of its fields holds a byte `encoding` could not decode."""
    for field, value in row.items():
        for text in value if isinstance(value, list) else [value]:  # the list: cells beyond the header's
            if isinstance(text, str) and (bad := first_escaped(text)):
                return undecodable(where, encoding, bad[1], f"at character {bad[0]} of field {field!r}")
    return row


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier candidate, ',' first
    return best if counts[best] else ","


def _csv_encoding(head: bytes, source: str) -> str:
    """UTF-8 (a BOM is dropped: it would otherwise stick to the first column name), else a guess (E403: none)."""
    if b"\x00" in head:
        raise InputError(Errors.E403(source=source))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < _SNIFF)
        return "utf-8-sig"
    except UnicodeDecodeError:
        if mostly_utf8(head):  # a few bad bytes: only their rows are rejected (see _decoded)
            return "utf-8-sig"
    encoding = guess_encoding(head)
    if encoding is None:
        raise InputError(Errors.E403(source=source))
    return encoding
