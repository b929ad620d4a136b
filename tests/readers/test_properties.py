"""Property tests: whatever the bytes, a reader returns the text or a coded InputError, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers.base import Rejected
from spinscope.readers.tabular import JsonlReader
from spinscope.readers.txt import TxtReader

from .conftest import make_settings

CFG = make_settings()
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all examples (hypothesis reruns a test body many times within one fixture scope)."""
    return tmp_path_factory.mktemp("properties")


def read_txt(work: Path, data: bytes) -> list[Document | Rejected]:
    path = work / "prop.txt"
    path.write_bytes(data)
    return list(TxtReader(CFG).read(str(path)))


@FAST
@given(st.text())
def test_any_unicode_text_comes_back_verbatim_or_as_input_error(work: Path, text: str) -> None:
    try:
        (doc,) = read_txt(work, text.encode("utf-8"))
    except InputError as exc:
        assert str(exc)[:6] in ("[E403]", "[E404]")  # NUL characters, or nothing but whitespace
        assert "\x00" in text or not text.replace("\ufeff", "").strip() or text.startswith(" date ")
        return
    assert doc.text == text  # BOM included: it is kept (see readers/textio.py)
    assert 0 <= doc.meta.get("header_end", 0) <= len(doc.text)


@FAST
@given(st.binary(max_size=512))
def test_any_bytes_give_a_document_or_input_error(work: Path, data: bytes) -> None:
    try:
        items = read_txt(work, data)
    except InputError as exc:
        assert str(exc).startswith("[E4")
        return
    assert len(items) == 1 and isinstance(items[0], Document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
garbage_line = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=40),
    json_values.map(json.dumps),
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"").decode("latin-1")),
)


@FAST
@given(st.lists(garbage_line, max_size=8))
def test_jsonl_garbage_lines_are_rejected_not_raised(work: Path, lines: list[str]) -> None:
    path = work / "prop.jsonl"
    good = json.dumps({"text": "A good record."})
    path.write_text("\n".join([good, *lines]) + "\n", encoding="utf-8")
    items = list(JsonlReader(CFG).read(str(path)))
    assert isinstance(items[0], Document)
    assert all(isinstance(i, Document | Rejected) for i in items)
    for item in items[1:]:
        if isinstance(item, Rejected):
            assert item.message.startswith("[E4") and str(path) in item.message


@FAST
@given(st.binary(max_size=300))
def test_jsonl_arbitrary_bytes_never_escape_as_other_exceptions(work: Path, data: bytes) -> None:
    path = work / "bytes.jsonl"
    path.write_bytes(data)
    try:
        list(JsonlReader(CFG).read(str(path)))
    except InputError as exc:
        assert str(exc).startswith("[E4")


DOCUMENT_HEADS = {  # a file's first bytes that send it to a parser: PDF, PNG, JPEG, a zip (Word), mail headers
    "x.pdf": b"%PDF-1.7\n",
    "x.png": b"\x89PNG\r\n\x1a\n",
    "x.jpg": b"\xff\xd8\xff\xe0",
    "x.docx": b"PK\x03\x04",
    "x.eml": b"From: a@example.org\nTo: b@example.org\nSubject: s\n\n",
}


@FAST
@given(st.sampled_from(sorted(DOCUMENT_HEADS)), st.binary(max_size=400))
def test_any_bytes_after_a_document_header_read_or_refused_with_a_code(name: str, tail: bytes) -> None:
    """Damaged PDFs, images, Word files and mails: a Document, a Rejected attachment, or a coded InputError."""
    from spinscope.readers import Content, open_content

    try:
        items = list(open_content(Content(name, data=DOCUMENT_HEADS[name] + tail), CFG))
    except InputError as exc:
        assert str(exc).startswith("[E4") and "\n" not in str(exc)
        return
    for item in items:
        assert isinstance(item, Document | Rejected)
        if isinstance(item, Document):
            assert item.text.strip()
