"""`labelstudio` writer: Label Studio tasks, the technique spans as predictions (`interop.labelstudio`); the
project's labelling interface is `spinscope labelstudio-config`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from .. import __version__
from ..interop.labelstudio import tasks
from ..registry import writers
from .base import RecordWriter


@writers.register("labelstudio")
class LabelStudioWriter(RecordWriter):
    name = "labelstudio"

    def write_records(self, records: Iterator[Mapping[str, Any]], out: TextIO) -> None:
        model = self.settings["components"]["encoder"]["model"]
        version = f"spinscope {__version__} techniques {model}"
        out.write(json.dumps(tasks(records, version), ensure_ascii=False, indent=1) + "\n")
