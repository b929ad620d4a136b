"""Pack the browser extension into a zip a user can load: `python extension/pack.py [-o DIR]` writes
`DIR/spinscope-extension-<version>.zip` (DIR: `dist/` at the repository root), the version being
manifest.json's (kept equal to the package version in pyproject.toml; tests/web/test_extension.py checks).

Only the files the extension runs on go in (FILES and icons/); the zip is deterministic: entries sorted, fixed
timestamps and permissions, so the same sources always give the same bytes. Standard library only."""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ("manifest.json", "background.js", "content.js", "options.html", "options.css", "options.js")
STAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def files() -> list[str]:
    """The archive's member names, sorted."""
    icons = sorted(f"icons/{p.name}" for p in (HERE / "icons").glob("*.png"))
    return sorted([*FILES, *icons])


def version() -> str:
    return json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))["version"]


def pack(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"spinscope-extension-{version()}.zip"
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in files():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, so the permissions above are read as such
            archive.writestr(info, (HERE / name).read_bytes(), compresslevel=9)
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pack the spinscope browser extension into a loadable zip.")
    parser.add_argument("-o", "--out", type=Path, default=HERE.parent / "dist", help="folder for the zip (dist/)")
    args = parser.parse_args(argv)
    target = pack(args.out)
    sys.stdout.write(f"{target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
