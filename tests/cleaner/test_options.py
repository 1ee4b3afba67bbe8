"""CleanOptions: frozen, changed with dataclasses.replace, defaults from named constants."""

from __future__ import annotations

import dataclasses

import pytest

from cleaner import CleanOptions
from cleaner.options import DEFAULT_MAX_BYTES, DEFAULT_MIN_BODY_WORDS, DEFAULT_OPTIONS


def test_defaults_come_from_the_named_constants() -> None:
    options = CleanOptions()
    assert options.max_bytes == DEFAULT_MAX_BYTES
    assert options.min_body_words == DEFAULT_MIN_BODY_WORDS
    assert (options.mode, options.include_removed, options.include_markdown) == (
        "auto", True, False
    )  # fmt: skip
    assert options == DEFAULT_OPTIONS


def test_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CleanOptions().max_bytes = 1  # type: ignore[misc]


def test_replace_makes_a_changed_copy() -> None:
    smaller = dataclasses.replace(DEFAULT_OPTIONS, max_bytes=10)
    assert smaller.max_bytes == 10
    assert DEFAULT_OPTIONS.max_bytes == DEFAULT_MAX_BYTES


def test_options_are_hashable() -> None:
    assert hash(CleanOptions()) == hash(CleanOptions())


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.01])
def test_a_dedup_threshold_outside_0_1_is_refused(threshold: float) -> None:
    with pytest.raises(ValueError, match="dedup_threshold"):
        CleanOptions(dedup_threshold=threshold)
