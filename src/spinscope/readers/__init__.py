"""Input readers: files, folders, URLs, feeds, record files, WARC archives, Telegram exports -> Documents.

Importing this package registers every built-in reader; `open_input` is the one entry point callers need.
"""

from . import feed, folder, html, stdin, tabular, telegram, txt, url, warc
from .base import Content, Reader, Rejected
from .detect import detect_format, open_content, open_input, reader_for

__all__ = [
    "Content",
    "Reader",
    "Rejected",
    "detect_format",
    "feed",
    "folder",
    "html",
    "open_content",
    "open_input",
    "reader_for",
    "stdin",
    "tabular",
    "telegram",
    "txt",
    "url",
    "warc",
]
