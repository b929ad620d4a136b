"""Draw the extension's toolbar icons (icons/icon-{16,32,48,128}.png) with Pillow: a dark blue rounded square
with three text lines, the middle one highlighted. Run `python extension/make_icons.py` after a change; the
PNGs are committed, so packing needs no Pillow."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
SIZES = (16, 32, 48, 128)
SCALE = 8  # drawn this much larger, then shrunk (smooth edges)


def icon(size: int) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=(31, 58, 95, 255))
    unit = big / 16
    for row, (width, colour) in enumerate(
        ((11, (230, 236, 245, 255)), (8, (255, 206, 84, 255)), (10, (230, 236, 245, 255)))
    ):
        top = unit * (3.5 + row * 3.5)
        draw.rounded_rectangle((unit * 2.5, top, unit * (2.5 + width), top + unit * 2), radius=unit, fill=colour)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in SIZES:
        icon(size).save(HERE / "icons" / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
