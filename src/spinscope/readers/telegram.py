"""Telegram Desktop chat exports ("Export chat history", JSON): one Document per text message.

An export is a folder holding `result.json` (plus `photos/`, `files/` ...). The JSON object names the
chat (`name`, `type` such as "public_channel", `id`) and lists its `messages`. A message's `text` is a
string, or a list mixing strings and entity objects (`{"type": "text_link", "text": "here", "href": ...}`).
The Document's text is that list flattened: the strings and the entities' `text`s concatenated in order.
It is the stored text from the start and never altered, so the link offsets in `meta["links"]` index it
exactly (`doc.text[start:end]` is the link's visible text).

Skipped quietly (they are not articles): service messages ("joined", "pinned", ...) and posts whose text is
empty or blank (a photo or file without a caption). A message is malformed (Rejected with E406, reading
goes on) when it is not an object, has no integer id, its text is neither a string nor a list of strings
and `{"text": str}` objects, or its `date` is not an ISO date-time. Other optional fields are taken when
they have the type Telegram writes and ignored otherwise.

The whole file is parsed at once, so `limits.max_bytes` caps the file (as for a `.json` list);
`limits.max_records` caps the Documents plus Rejected one export may yield.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .textio import check_text, limit, read_bytes

logger = logging.getLogger(__name__)

EXPORT_FILE = "result.json"
_KIND = "Telegram export"
_MESSAGE = "Telegram message"
# The chat types Telegram Desktop writes at the top of an export; a cheap marker for sniffing.
_CHAT_TYPE = re.compile(
    rb'"type"\s*:\s*"(?:(?:public|private)_(?:channel|group|supergroup)|personal_chat|bot_chat|saved_messages)"'
)
_MESSAGES = re.compile(rb'"messages"\s*:\s*\[')
_LINK_TYPES = frozenset({"link", "text_link"})


def looks_like_export(head: bytes, *, named_result: bool = False) -> bool:
    """Whether the first bytes of a JSON file are a Telegram Desktop chat export.

    A JSON object with a chat `type` and a `messages` list (both come first in an export). A file named
    `result.json`, the name Telegram Desktop gives every export, only needs to hold an object.
    """
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body.startswith(b"{"):
        return False
    return named_result or bool(_CHAT_TYPE.search(body) and _MESSAGES.search(body))


def sniff_export(path: Path, *, named_result: bool = False) -> bool:
    """`looks_like_export` on the first 4 KiB of `path`; False for a file that cannot be read or is no regular
    file (a FIFO would block the read)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return looks_like_export(head, named_result=named_result)


class _Malformed(Exception):
    """One message that cannot be read; the message text is the E406 detail."""


def flatten(text: Any) -> tuple[str, list[tuple[int, int, Mapping[str, Any]]]]:
    """(flattened text, [(start, end, entity)]) for a message's `text` string or list of parts.

    Offsets are `str` indices into the flattened text. Raises `_Malformed` for any other shape.
    """
    if isinstance(text, str):
        return text, []
    if not isinstance(text, list):
        raise _Malformed(f"text is {type(text).__name__}, not a string or a list")
    pieces: list[str] = []
    entities: list[tuple[int, int, Mapping[str, Any]]] = []
    pos = 0
    for n, part in enumerate(text):
        if isinstance(part, str):
            piece = part
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            piece = part["text"]
            entities.append((pos, pos + len(piece), part))
        else:
            what = "an object without a string 'text'" if isinstance(part, dict) else type(part).__name__
            raise _Malformed(f"text part {n} is {what}")
        pieces.append(piece)
        pos += len(piece)
    return "".join(pieces), entities


def _entities_of(message: Mapping[str, Any], text: str) -> list[tuple[int, int, Mapping[str, Any]]]:
    """Entities of a message whose `text` is a plain string, from `text_entities` when they spell it out."""
    parts = message.get("text_entities")
    if not isinstance(parts, list) or not parts:
        return []
    try:
        flat, entities = flatten(parts)
    except _Malformed:
        return []
    return entities if flat == text else []


def _links(entities: list[tuple[int, int, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    links = []
    for start, end, entity in entities:
        kind = entity.get("type")
        if kind not in _LINK_TYPES:
            continue
        url = entity.get("href") if kind == "text_link" else entity.get("text")
        if isinstance(url, str) and url:
            links.append({"url": url, "start": start, "end": end, "type": kind})
    return links


def _date(value: Any) -> tuple[str, str] | tuple[None, None]:
    """(full timestamp, calendar date YYYY-MM-DD) of a message date; raises `_Malformed` if it is none."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        raise _Malformed(f"date is {type(value).__name__}, not a string")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Malformed(f"date {value!r} is not an ISO date-time") from None
    return value, parsed.date().isoformat()


def _media_type(message: Mapping[str, Any]) -> str | None:
    kind = message.get("media_type")
    if isinstance(kind, str) and kind:
        return kind
    if "photo" in message:
        return "photo"
    if "file" in message:
        return "file"
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _load(content: Content, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    source = content.name
    data = read_bytes(content, settings)
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E403(source=source)) from exc
    if not raw.strip():
        raise InputError(Errors.E404(source=source))
    try:
        export = json.loads(raw)
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        if exc.pos >= len(raw.rstrip()) or exc.msg.startswith("Unterminated string"):  # both: input ended
            detail += "; the file ends too early (a truncated export?)"
        raise InputError(Errors.E406(source=source, kind=_KIND, detail=detail)) from exc
    except RecursionError as exc:
        raise InputError(Errors.E406(source=source, kind=_KIND, detail="nesting too deep")) from exc
    if not isinstance(export, dict):
        detail = f"top level is a {type(export).__name__}, not an object"
        raise InputError(Errors.E406(source=source, kind=_KIND, detail=detail))
    if not isinstance(export.get("messages"), list):
        detail = "no 'messages' list (a whole-account export? export one channel or chat's history instead)"
        raise InputError(Errors.E406(source=source, kind=_KIND, detail=detail))
    return export


@registry.readers.register("telegram")
class TelegramReader(Reader):
    """A Telegram Desktop export (`result.json`, or the folder holding it) -> one Document per text message.

    id = `<chat id>/<message id>` (the chat's name when the export has no id); source = `<file>:messages[i]`.
    meta: channel, channel_id, message_id, date (the full timestamp; `Document.date` is its calendar date),
    views, forwarded_from, links (`{url, start, end, type}`), media_type, and author/edited when present.
    """

    name = "telegram"

    def read(self, source: str) -> Iterator[Document | Rejected]:
        path = Path(source)
        if path.is_dir():
            path = path / EXPORT_FILE
            if not path.is_file():
                raise InputError(Errors.E402(source=source, pattern=EXPORT_FILE))
        elif not path.exists():
            raise InputError(Errors.E401(source=source))
        yield from self.read_content(Content.of_path(path))

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        file, path = content.name, Path(content.name)
        export = _load(content, self.settings)
        channel = _str(export.get("name"))
        channel_id = export.get("id") if isinstance(export.get("id"), int | str) else None
        prefix = str(channel_id) if channel_id not in (None, "") else channel or path.parent.name or path.stem
        max_records = limit(self.settings, "max_records")
        yielded = skipped = 0
        for i, message in enumerate(export["messages"]):
            where = f"{file}:messages[{i}]"
            item: Document | Rejected | None
            try:
                item = self._document(message, where, prefix)
            except _Malformed as exc:
                item = Rejected(where, Errors.E406(source=where, kind=_MESSAGE, detail=str(exc)))
            except InputError as exc:
                item = Rejected(where, exc.args[0])
            if item is None:
                skipped += 1
                continue
            if isinstance(item, Document):
                item.meta = {"channel": channel, "channel_id": channel_id, **item.meta}
            if yielded >= max_records:
                yield Rejected(file, Errors.E413(source=file, limit=max_records))
                return
            yielded += 1
            yield item
        if skipped:
            logger.debug("%s: skipped %d service message(s) and post(s) without text", file, skipped)
        if not yielded:
            raise InputError(Errors.E414(source=file, what="text messages"))

    def _document(self, message: Any, where: str, prefix: str) -> Document | None:
        """The message's Document; None for one that is skipped quietly (service, no text)."""
        if not isinstance(message, dict):
            raise _Malformed(f"item is {type(message).__name__}, not an object")
        if message.get("type") == "service":
            return None
        message_id = message.get("id")
        if isinstance(message_id, bool) or not isinstance(message_id, int):
            raise _Malformed("message has no integer 'id'")
        text, entities = flatten(message.get("text", ""))
        if isinstance(message.get("text"), str):
            entities = _entities_of(message, text)
        stamp, day = _date(message.get("date"))
        if not text.strip():
            return None
        check_text(text, where, self.settings)
        views = message.get("views")
        doc = Document(id=f"{prefix}/{message_id}", text=text, source=where, date=day)
        doc.meta.update(
            message_id=message_id,
            date=stamp,
            views=views if isinstance(views, int) and not isinstance(views, bool) else None,
            forwarded_from=_str(message.get("forwarded_from")),
            links=_links(entities),
            media_type=_media_type(message),
        )
        if author := _str(message.get("author")):
            doc.meta["author"] = author
        if edited := _str(message.get("edited")):
            doc.meta["edited"] = edited
        return doc
