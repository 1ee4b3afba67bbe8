"""The CI quality gate: extraction on fixtures/quality/ stays at or above baseline.json.

A failure here means quality dropped. If the drop is intended, lower the floor by hand in
tests/quality/baseline.json; after an improvement, `python -m tests.quality.eval_gate --update`.
"""

from __future__ import annotations

import pytest

from tests.quality.eval_gate import DATASETS, corpus_digest, load_baseline, measure, shortfalls

pytestmark = pytest.mark.quality


def test_corpus_is_the_one_the_baseline_was_measured_on() -> None:
    assert corpus_digest() == load_baseline()["corpus_digest"], (
        "fixtures/quality/ changed: run `python -m tests.quality.eval_gate --update` and review"
    )


@pytest.mark.parametrize("dataset", DATASETS)
def test_quality_holds_its_pinned_bounds(dataset: str) -> None:
    problems = shortfalls(measure(dataset), load_baseline()["bounds"][dataset])
    assert not problems, f"{dataset}: " + "; ".join(problems)
