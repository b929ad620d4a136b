from __future__ import annotations

import time

import pytest

from spinscope import analyze, load_pipeline
from spinscope.data import Document
from spinscope.errors import ModelMissing, PipelineError, RegistryError
from spinscope.pipeline.base import Component, Pipeline, check_order, select


def test_default_pipeline_order(settings: dict) -> None:
    assert load_pipeline(settings).names == [
        "language",
        "segment",
        "encoder",
        "techniques",
        "paragraph_labels",
        "frames",
        "genre",
        "entities",
        "roles",
        "claims",
        "narratives",
        "matching",
    ]


def test_only_pulls_in_required_steps(settings: dict) -> None:
    names = settings["pipeline"]["components"]
    assert select(names, ["techniques"], []) == ["language", "encoder", "techniques"]
    assert select(names, ["paragraph_labels"], []) == [
        "language",
        "segment",
        "encoder",
        "techniques",
        "paragraph_labels",
    ]


def test_only_paragraph_labels_gives_paragraph_labels(settings: dict) -> None:
    text = "A headline\n\nThe corrupt regime lies again and again. Everyone knows it.\n"
    doc = load_pipeline(settings, only=["paragraph_labels"])(Document("d", text))
    assert set(doc.labels["paragraph_techniques"]) == {p.attrs["line"] for p in doc.layer("paragraphs")} == {1, 3}


def test_skip_removes_step(settings: dict) -> None:
    assert load_pipeline(settings, skip=["frames", "genre"]).names == [
        "language",
        "segment",
        "encoder",
        "techniques",
        "paragraph_labels",
        "entities",
        "roles",
        "claims",
        "narratives",
        "matching",
    ]
    assert load_pipeline(settings, skip=["techniques"]).names == [  # matching reads the technique spans
        "language",
        "segment",
        "encoder",
        "frames",
        "genre",
        "entities",
        "roles",
        "claims",
        "narratives",
    ]


def test_unknown_component_name_is_a_coded_error(settings: dict) -> None:
    with pytest.raises(PipelineError, match=r"\[E203\].*nosuch"):
        load_pipeline(settings, only=["nosuch"])


def test_wrong_order_fails_at_build_time() -> None:
    class Reads(Component):
        name = "reads"
        reads = ("spans.sentences",)

    with pytest.raises(PipelineError, match=r"\[E201\]"):
        check_order([Reads({}, {})])


def test_undeclared_write_is_refused() -> None:
    class Sneaky(Component):
        name = "sneaky"
        writes = ("labels.declared",)

        def __call__(self, doc: Document) -> Document:
            doc.labels["declared"] = 1
            doc.spans["undeclared"] = []
            return doc

    with pytest.raises(PipelineError, match=r"\[E204\].*spans.undeclared"):
        Pipeline([Sneaky({}, {})])(Document("d", "text"))
    with pytest.raises(PipelineError, match=r"\[E204\]"):
        list(Pipeline([Sneaky({}, {})]).pipe([Document("d", "text")]))


def test_each_step_counts_its_own_documents_and_seconds() -> None:
    class Slow(Component):
        def __init__(self, name: str, pause: float) -> None:
            super().__init__({}, {})
            self.name, self.pause = name, pause

        def __call__(self, doc: Document) -> Document:
            time.sleep(self.pause)
            return doc

    pipeline = Pipeline([Slow("fast", 0.002), Slow("slow", 0.03)])
    done = list(pipeline.pipe(Document(str(i), "text") for i in range(5)))
    stats = pipeline.step_stats()
    assert len(done) == 5 and stats["fast"]["documents"] == stats["slow"]["documents"] == 5
    assert 0.15 <= stats["slow"]["seconds"] < 0.25  # its own sleeps, not the step before it
    assert 0.01 <= stats["fast"]["seconds"] < 0.05


def test_ignored_warning_codes_are_dropped(settings: dict) -> None:
    text = "Short text, with some words."
    assert any(w.startswith("[W005]") for w in analyze(text, settings=settings).warnings)
    settings["warnings"]["ignore"] = ["W005"]
    assert not any(w.startswith("[W005]") for w in analyze(text, settings=settings).warnings)


def test_unknown_registry_name_lists_known() -> None:
    from spinscope.registry import components

    with pytest.raises(RegistryError, match=r"\[E001\].*segment"):
        components.get("nope")


def test_explicit_missing_model_path_is_an_error(settings: dict, tmp_path) -> None:
    settings["components"]["encoder"]["model"] = str(tmp_path / "absent")
    with pytest.raises(ModelMissing, match=r"\[E202\]"):
        Pipeline.from_settings(settings)


def test_analyze_keeps_text_and_fills_paragraphs(settings: dict) -> None:
    text = "A headline\n\nThe regime lies. Everyone knows it.\n"
    doc = analyze(text, settings=settings)
    assert doc.text == text
    assert doc.language == "en"
    assert [p.attrs["line"] for p in doc.layer("paragraphs")] == [1, 3]
    doc.check_offsets()


def test_skipping_the_encoder_switches_off_its_heads(settings: dict) -> None:
    assert load_pipeline(settings, skip=["encoder"]).names == ["language", "segment"]


def test_the_record_names_the_components_that_ran(settings: dict) -> None:
    from spinscope.writers.record import to_record

    pipeline = load_pipeline(settings, skip=["claims"])
    record = to_record(pipeline(Document("d", "The regime lies. Everyone knows it.")))
    assert record["components"] == pipeline.names
    assert "claims" not in record["components"] and "techniques" in record["components"]
    assert [d.components for d in pipeline.pipe([Document("e", "Some text.")])] == [pipeline.names]


def test_a_step_uses_what_an_earlier_step_wrote_and_runs_without_it(settings: dict) -> None:
    from spinscope.errors import PipelineError
    from spinscope.pipeline.base import check_order

    names = load_pipeline(settings, skip=["genre"]).names
    assert "narratives" in names and "genre" not in names  # the report rule needs genre; narratives do not
    steps = {s.name: s for s in load_pipeline(settings).steps}
    order = [steps[n] for n in ("language", "segment", "encoder", "narratives", "techniques")]
    with pytest.raises(PipelineError, match=r"\[E201\].*spans\.techniques"):
        check_order(order)  # a step that uses a key only a later step writes is misplaced
