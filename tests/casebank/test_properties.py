"""Property tests: whatever the file holds, an import succeeds or raises a coded InputError and changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.casebank import CaseBank, read_cases
from spinscope.config import load_settings
from spinscope.errors import InputError

from .conftest import claim_review, euvs_csv, make_case

CFG = load_settings(env={})
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = st.sampled_from([(".csv", "auto"), (".json", "auto"), (".jsonl", "auto"), (".jsonld", "auto"),
                            (".csv", "euvsdisinfo"), (".json", "claimreview")])  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(sorted(claim_review(1))), inner),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CaseBank, Path]]:
    """One bank and folder for all examples (hypothesis reruns a test body within one fixture scope)."""
    work = tmp_path_factory.mktemp("casebank-properties")
    with CaseBank(work / "bank.sqlite", create=True) as bank:
        bank.upsert([make_case(1)])
        yield bank, work


def import_checked(store: tuple[CaseBank, Path], data: bytes, suffix: str, fmt: str) -> None:
    bank, work = store
    path = work / f"input{suffix}"
    path.write_bytes(data)
    before = bank.count(), bank.revision()
    try:
        report = bank.upsert(read_cases(path, CFG, fmt=fmt, bank="fuzz"))
    except InputError as exc:
        assert re.match(r"\[E[47]\d\d\] ", str(exc)), str(exc)
        assert (bank.count(), bank.revision()) == before
        return
    assert report.added + report.updated + report.unchanged <= bank.count()


@FAST
@given(data=st.binary(max_size=400), kind=SUFFIXES)
def test_random_bytes(store: tuple[CaseBank, Path], data: bytes, kind: tuple[str, str]) -> None:
    import_checked(store, data, *kind)


@FAST
@given(value=json_values, kind=SUFFIXES)
def test_random_json(store: tuple[CaseBank, Path], value: Any, kind: tuple[str, str]) -> None:
    import_checked(store, json.dumps(value).encode(), *kind)


@FAST
@given(cut=st.integers(min_value=1, max_value=len(euvs_csv()) - 1))
def test_any_cut_of_a_csv(store: tuple[CaseBank, Path], cut: int) -> None:
    import_checked(store, euvs_csv().replace("lunar", "solar").encode()[:cut], ".csv", "euvsdisinfo")
