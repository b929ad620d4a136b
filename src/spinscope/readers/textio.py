"""Byte and text helpers every reader shares, so all inputs obey the same decoding rules and limits.

The rules exist for one reason: span offsets are `str` indices into `Document.text`, and gold files
(SemEval, PTC) count characters of the file read with `open(p, encoding="utf-8", newline="")`. So text
is decoded from bytes without newline translation (CRLF stays two characters) and a UTF-8 byte order
mark is *kept* as the first character U+FEFF: two English SemEval-2023 training articles start with one
and their gold offsets count it (dropping it would shift every span by one).
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import logging
import re
import stat
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError

if TYPE_CHECKING:
    from .base import Content

logger = logging.getLogger(__name__)

BOM = "\ufeff"
_BOMS = (  # (mark, codec); UTF-32 first because its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Scraped articles (SemEval-2025 style) begin with " date 2022-11-09", on its own line or glued to the text.
_DATE_HEADER = re.compile(r" date (\d{4}(?:-\d{2}(?:-\d{2})?)?)(?![\d-])[ \t]*(?:\r\n|\n|\r)?")
_LINE = re.compile(r"[^\r\n]+")
_CP1252_SLACK = 0.1  # how much more "chaos" (charset-normalizer's mess ratio) cp1252 may show and still win
_BROKEN_GZIP = (EOFError, gzip.BadGzipFile, zlib.error)
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that did not decode, under errors="surrogateescape"
_WIDE = re.compile("[^\x00-\x7f\udc80-\udcff]")  # characters that took more than one UTF-8 byte
_SPECIAL = (
    (stat.S_ISFIFO, "named pipe (FIFO)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def limit(settings: Mapping[str, Any], key: str) -> Any:
    """One value of `settings["limits"]` (max_chars, max_bytes, fetch_timeout, max_redirects, max_records)."""
    return settings["limits"][key]


def refuse_special(path: str | Path, source: str | None = None) -> None:
    """E416 for a FIFO, socket or device: opening or reading one may wait forever. Regular files, folders and
    missing paths pass (their own checks follow)."""
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return
    for test, kind in _SPECIAL:
        if test(mode):
            raise InputError(Errors.E416(source=str(path) if source is None else source, kind=kind))


def read_bytes(content: Content, settings: Mapping[str, Any]) -> bytes:
    """The raw bytes of one input, refusing more than `limits.max_bytes` (E412) without reading them all."""
    max_bytes = limit(settings, "max_bytes")
    with content.raw() as fh:
        data = read_at_most(fh, max_bytes + 1)  # +1: a file that grows while we read still trips the limit
    if len(data) > max_bytes:
        raise InputError(Errors.E412(source=content.name, limit=max_bytes))
    return data


def read_at_most(fh: Any, n: int) -> bytes:
    """Up to `n` bytes of a stream (an unbuffered one may answer a read with fewer than it has)."""
    chunks, left = [], n
    while left > 0 and (chunk := fh.read(left)):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class _Gunzip(io.RawIOBase):
    """The gunzipped bytes of a stream, ending at the first break (a member cut short or corrupt) instead of
    raising it."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw
        self._gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self.broken: Exception | None = None

    def readable(self) -> bool:
        return True

    def tell(self) -> int:  # FastWARC asks where records start
        return self._gz.tell()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.broken is not None:
            return 0
        try:  # read1 reads the compressed file at most once, so what decompresses before a break comes out first
            data = self._gz.read1(len(buffer))
        except _BROKEN_GZIP as exc:
            self.broken = exc
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._gz.close()
        self._raw.close()
        super().close()


class ByteStream(io.BufferedReader):
    """An input's bytes, decompressed when it is gzip (`items.jsonl.gz`). A broken .gz reads as ending where its
    data breaks, so everything before the break is kept; `broken` is then the error, to report."""

    @property
    def broken(self) -> Exception | None:
        return getattr(self.raw, "broken", None)

    def cut_short(self, line: bytes | str) -> bool:
        """Whether `line` (read from this stream) is the one a break cut off: it ends no line."""
        return self.broken is not None and line[-1:] not in ("\n", "\r", b"\n", b"\r")


def open_binary(content: Content) -> ByteStream:
    """The input's bytes as a stream, gunzipped when they start with the gzip magic (E401, E415, E416)."""
    with content.raw() as probe:
        gzipped = read_at_most(probe, 2) == b"\x1f\x8b"
    raw = content.raw()
    return ByteStream(_Gunzip(raw) if gzipped else raw)


def broken_gzip(source: str, after: str, exc: Exception) -> InputError:
    """E406 for a .gz cut short or corrupt: what was read before the break is kept, the rest is not read."""
    detail = f"compressed stream broken after {after} ({exc}); the rest was not read"
    return InputError(Errors.E406(source=source, kind="gzip", detail=detail))


def undecodable(where: str, encoding: str, byte: int, place: str) -> InputError:
    """E406 for text holding a byte its encoding cannot decode (in a record file, only that record)."""
    detail = f"byte 0x{byte:02x} {place} cannot be decoded"
    return InputError(Errors.E406(source=where, kind=f"{encoding.removesuffix('-sig')} text", detail=detail))


def first_escaped(text: str) -> tuple[int, int] | None:
    """(offset, byte) of the first byte that `errors="surrogateescape"` kept undecoded in `text`, if any."""
    found = _ESCAPED.search(text)
    return (found.start(), ord(found.group()) - 0xDC00) if found else None


def mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not strict UTF-8 are still UTF-8 with a few bad bytes: more valid multi-byte
    characters than undecodable bytes (legacy code pages almost never form valid UTF-8 sequences)."""
    if data.startswith(tuple(mark for mark, _ in _BOMS)):
        return False
    text = data.decode("utf-8", "surrogateescape")
    return len(_WIDE.findall(text)) > len(_ESCAPED.findall(text))


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """Decode bytes verbatim and return (text, encoding).

    A UTF-16/32 mark selects that codec. Anything else with NUL bytes is binary (E403). Then strict UTF-8 (the
    UTF-8 BOM, if any, stays in the text; see the module docstring); UTF-8 with a few bad bytes is E406 (a
    guessed code page would garble every other letter); otherwise charset-normalizer guesses a legacy
    encoding and gives up (E403) when no guess decodes coherently.
    """
    for mark, codec in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(Errors.E403(source=source)) from exc
    if b"\x00" in data:
        raise InputError(Errors.E403(source=source))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if mostly_utf8(data):
            raise undecodable(source, "utf-8", data[exc.start], f"at byte {exc.start}") from exc
    encoding = guess_encoding(data)
    if encoding is None:
        raise InputError(Errors.E403(source=source))
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(Errors.E403(source=source)) from exc
    logger.debug("%s: not UTF-8, decoded as %s", source, encoding)
    return text, encoding


def guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's guess for non-UTF-8 bytes, None when nothing decodes coherently.

    On short Western texts it often ranks Baltic or Central European code pages first although
    Windows-1252 decodes just as cleanly; cp1252 is by far the commonest legacy encoding of French, German,
    Italian and English news, so it wins whenever it is about as clean as the best guess. Polish (cp1250)
    and Russian (cp1251) still come out right, because cp1252 turns their letters into symbol soup.
    """
    from charset_normalizer import from_bytes  # imported late: it builds tables on first import

    matches = list(from_bytes(data))
    if not matches or matches[0].encoding is None:
        return None
    for match in matches:
        if match.chaos <= matches[0].chaos + _CP1252_SLACK and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return matches[0].encoding


def check_text(text: str, source: str, settings: Mapping[str, Any], *, body_start: int = 0) -> None:
    """E404 when nothing but whitespace follows the header, E405 over `limits.max_chars`."""
    max_chars = limit(settings, "max_chars")
    if len(text) > max_chars:
        raise InputError(Errors.E405(source=source, size=len(text), limit=max_chars))
    if not text[body_start:].replace(BOM, "").strip():
        raise InputError(Errors.E404(source=source))


def date_header(text: str) -> tuple[str, int] | None:
    """(ISO date, offset where the article body starts) for a leading ` date YYYY-MM-DD` marker, or
    ` date YYYY-MM` or ` date YYYY` (the date then as precise as the marker: "2022-07", "2023").

    The offset counts in the full text, so spans found in the body need no shifting. A marker whose date
    is not a real calendar date (month 13, day 31 of April) is left alone (it is then just part of the text).
    """
    start = 1 if text.startswith(BOM) else 0
    match = _DATE_HEADER.match(text, start)
    if match is None:
        return None
    given = match.group(1)
    try:
        dt.date.fromisoformat((given + "-01-01")[:10])  # a year or a month checked as its first day
    except ValueError:
        return None
    return given, match.end()


def first_line(text: str, start: int = 0) -> str | None:
    """The first non-blank line at or after `start`, stripped; SemEval articles keep their title there."""
    for match in _LINE.finditer(text, start):
        line = match.group().replace(BOM, "").strip()
        if line:
            return line
    return None
