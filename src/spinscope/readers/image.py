"""Images (screenshots of posts, photographed pages) -> text by OCR, with every word's box kept in `meta`.

`meta["boxes"]` holds the page sizes and, per word, `[start, end, page, left, top, right, bottom]` in the
image's pixels (a PDF page's points for scanned PDF pages), so a viewer can draw each span over the picture.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from . import ocr
from .base import Content, Reader, Rejected
from .layout import Layout, Line, Page, Word, assemble
from .textio import check_text, read_bytes

if TYPE_CHECKING:
    from PIL.Image import Image

MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
_UNGUARDED = threading.Lock()
DARK = 110  # a mean grey below this is a dark theme: read inverted, dark letters on light


def is_image(head: bytes) -> bool:
    return head.startswith(MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def open_image(data: bytes, source: str, settings: Mapping[str, Any]) -> Image:
    """The decoded image, upright (EXIF orientation), first frame of an animation; E419 over
    `limits.max_pixels` (checked from the header, before decoding), E406 for a broken file."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = int(settings["limits"]["max_pixels"])
    try:
        with _UNGUARDED:  # Pillow's own guard would refuse first, as a broken file: the limit here is ours
            guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                image = Image.open(io.BytesIO(data))
            finally:
                Image.MAX_IMAGE_PIXELS = guard
        width, height = image.size
        if width * height > max_pixels:
            raise InputError(Errors.E419(source=source, size=width * height, what="pixels", limit=max_pixels,
                                         key="max_pixels"))  # fmt: skip
        image.load()
        return ImageOps.exif_transpose(image)
    except InputError:
        raise
    except UnidentifiedImageError as exc:  # its text names a memory buffer, no use to anyone
        raise InputError(Errors.E406(source=source, kind="image", detail="no image format recognised")) from exc
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InputError(Errors.E406(source=source, kind="image", detail=str(exc) or type(exc).__name__)) from exc


def as_png(data: bytes) -> bytes:
    """An image file (already read once, so known to decode) as a PNG a browser shows, upright, without its
    metadata (EXIF, location)."""
    from PIL import Image, ImageOps

    buffer = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        upright.convert("RGBA" if "A" in upright.getbands() else "RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def prepared(image: Image) -> Image:
    """The image as Tesseract reads it best: grey, transparency as white, dark themes inverted."""
    from PIL import Image, ImageOps, ImageStat

    if image.mode in ("P", "PA", "LA", "RGBA"):  # transparency shows as white, as in a viewer
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    grey = ImageOps.grayscale(image.convert("RGB"))
    return ImageOps.invert(grey) if ImageStat.Stat(grey).mean[0] < DARK else grey


def ocr_page(image: Image, source: str, settings: Mapping[str, Any], unit: float = 1.0) -> tuple[Page, ocr.Recognised]:
    """One image's lines, boxes in the image's pixels times `unit` (PDF points per pixel)."""
    found = ocr.recognise(prepared(image), source, settings)
    lines = [
        Line([Word(w.text, tuple(v * unit for v in w.box), w.confidence) for w in line.words], line.new_paragraph)
        for line in found.lines
    ]
    return Page(lines, image.width * unit, image.height * unit), found


def boxes_meta(layout: Layout, pages: list[Page], read: list[int], unit: str) -> dict[str, Any]:
    """`meta["boxes"]`: page sizes, and the boxes of the words on the pages in `read` (1-based numbers)."""
    kept = set(read)
    return {
        "unit": unit,
        "sizes": [[round(page.width, 1), round(page.height, 1)] for page in pages],
        "words": [
            [start, end, number, *(round(v, 1) for v in box)]
            for start, end, number, box in layout.words
            if number in kept
        ],
    }


def ocr_meta(found: list[ocr.Recognised], pages: list[int]) -> dict[str, Any]:
    confidence = sum(r.confidence * r.words for r in found) / max(sum(r.words for r in found), 1)
    return {"engine": ocr.version(), "packs": sorted({r.packs for r in found}), "confidence": round(confidence, 1),
            "pages": pages}  # fmt: skip


def ocr_document(content: Content, settings: Mapping[str, Any]) -> Document:
    image = open_image(read_bytes(content, settings), content.name, settings)
    page, found = ocr_page(image, content.name, settings)
    layout = assemble([page])
    if not layout.text.strip():
        raise InputError(Errors.E414(source=content.name, what="text that OCR could read"))
    check_text(layout.text, content.name, settings)
    doc = Document(id=content.stem, text=layout.text, source=content.name)  # a post or a page: no title line
    doc.meta["pages"] = [list(span) for span in layout.pages]
    doc.meta["ocr"] = ocr_meta([found], [1])
    doc.meta["boxes"] = boxes_meta(layout, [page], [1], "px")
    return doc


@registry.readers.register("image")
class ImageReader(Reader):
    """One image (.png, .jpg, .webp, .gif, .tif, .bmp) -> one Document of its OCR text (id = file stem)."""

    name = "image"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        yield ocr_document(content, self.settings)
