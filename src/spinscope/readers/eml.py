"""E-mail (.eml) -> the message body as one Document, and each attachment read as the input it is (a PDF,
a Word file, an image, a page, text, another e-mail) with the id `MAIL:FILENAME` ("tip:report.pdf").

The subject is the body's title and the Date header its date; the plain-text body is preferred to the HTML
one. An attachment that cannot be read is reported (Rejected) and the rest go on.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .html import html_document
from .textio import read_bytes
from .txt import text_document

HEADERS = frozenset({"from", "to", "subject", "date", "received", "mime-version", "message-id", "return-path"})
_HEADER_NAME = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):", re.MULTILINE)


def is_eml(head: bytes) -> bool:
    """Whether the first bytes are mail headers: the first line is one, and at least three known names are."""
    headers = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    names = [match.group(1).decode().lower() for match in _HEADER_NAME.finditer(headers)]
    return _HEADER_NAME.match(headers) is not None and len(HEADERS.intersection(names)) >= 3


def _date(message: Any) -> str | None:
    try:
        parsed = email.utils.parsedate_to_datetime(str(message["date"]))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat()


def _body(message: Any, content: Content, settings: Mapping[str, Any]) -> Document | None:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return None
    text = part.get_content()
    if not text.strip():
        return None
    if part.get_content_subtype() == "html":
        return html_document(text, doc_id=content.stem, source=content.name, settings=settings)
    return text_document(text, doc_id=content.stem, source=content.name, settings=settings)


def _attachments(message: Any, content: Content, settings: Mapping[str, Any]) -> Iterator[Document | Rejected]:
    from .detect import open_content

    limits = settings["limits"]
    budget = int(limits["max_unpacked"])
    for count, part in enumerate(message.iter_attachments(), 1):
        filename = Path(part.get_filename() or "").name or f"attachment-{count}"
        where = f"{content.name}:{filename}"
        if count > int(limits["max_attachments"]):
            yield Rejected(where, Errors.E419(source=content.name, size=count, what="attachments",
                                              limit=limits["max_attachments"], key="max_attachments"))  # fmt: skip
            return
        payload = part.get_payload(decode=True) or b""
        budget -= len(payload)
        if budget < 0:
            yield Rejected(where, Errors.E419(source=content.name, size="its attachments' many", what="bytes",
                                              limit=limits["max_unpacked"], key="max_unpacked"))  # fmt: skip
            return
        inner = Content(f"{content.stem}:{filename}", data=payload)
        try:
            for item in open_content(inner, settings):
                if isinstance(item, Document):
                    item.id = (
                        inner.name if item.id == inner.stem else item.id
                    )  # "tip:report.pdf" beside "tip:report.docx"
                    item.source = where
                    item.meta["attachment_of"] = content.name
                yield item
        except InputError as exc:
            yield Rejected(where, exc.args[0])


def eml_documents(content: Content, settings: Mapping[str, Any]) -> Iterator[Document | Rejected]:
    message = email.message_from_bytes(read_bytes(content, settings), policy=email.policy.default)
    if not message.keys():
        raise InputError(Errors.E406(source=content.name, kind="e-mail", detail="no headers"))
    try:
        body = _body(message, content, settings)
    except InputError as exc:
        body = None
        yield Rejected(content.name, exc.args[0])
    if body is not None:
        body.title = str(message["subject"] or "").strip() or body.title
        body.date = _date(message) or body.date
        for key in ("from", "to", "message-id"):
            if message[key]:
                body.meta[key.replace("-", "_")] = str(message[key])
        yield body
    yield from _attachments(message, content, settings)


@registry.readers.register("eml")
class EmlReader(Reader):
    """One `.eml` file -> its body and each readable attachment, one Document each."""

    name = "eml"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        yield from eml_documents(content, self.settings)
