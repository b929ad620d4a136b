"""Input readers: files, folders, URLs, feeds, record files, WARC archives, Telegram exports, PDF, Word, e-mail
and images (OCR) -> Documents.

Importing this package registers every built-in reader; `open_input` is the one entry point callers need.
"""

from . import docx, eml, feed, folder, html, image, pdf, stdin, tabular, telegram, txt, url, warc
from .base import Content, Reader, Rejected
from .detect import detect_format, open_content, open_input, reader_for

__all__ = [
    "Content",
    "Reader",
    "Rejected",
    "detect_format",
    "docx",
    "eml",
    "feed",
    "folder",
    "html",
    "image",
    "open_content",
    "open_input",
    "pdf",
    "reader_for",
    "stdin",
    "tabular",
    "telegram",
    "txt",
    "url",
    "warc",
]
