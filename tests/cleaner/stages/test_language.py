"""Language detection on the body, with the declared language as the short-text fallback."""

from __future__ import annotations

import py3langid
import pytest
from py3langid.langid import visit_counts

from cleaner.stages import language
from cleaner.stages.language import MIN_LETTERS, SAMPLE_CHARS, detect_language

SENTENCES = {
    "en": "The council approved the new budget for schools and roads after a long debate.",
    "fr": "Le conseil a approuvé le nouveau budget des écoles et des routes après un long débat.",
    "de": "Der Rat hat nach langer Debatte den neuen Haushalt für Schulen und Straßen gebilligt.",
    "ru": "Совет утвердил новый бюджет для школ и дорог после долгих обсуждений.",
}


@pytest.mark.parametrize(("code", "sentence"), SENTENCES.items())
def test_body_language_is_detected(code: str, sentence: str) -> None:
    assert detect_language(sentence) == code


def test_body_beats_the_declared_language() -> None:
    assert detect_language(SENTENCES["fr"], declared="en") == "fr"


@pytest.mark.parametrize(
    ("declared", "expected"),
    [("de-AT", "de"), ("pt_BR", "pt"), (" EN ", "en"), ("english", None), ("", None), (None, None)],
)
def test_short_body_falls_back_to_the_declared_code(
    declared: str | None, expected: str | None
) -> None:
    short = "a" * (MIN_LETTERS - 1)
    assert detect_language(short, declared) == expected


def test_only_the_sample_is_read() -> None:
    body = SENTENCES["de"] * (SAMPLE_CHARS // len(SENTENCES["de"]) + 1) + SENTENCES["ru"] * 50
    assert detect_language(body) == "de"


@pytest.mark.parametrize(
    "body",
    ["<nav>" * 12 + "the the the the the the the .", "the rose rose\n\nA\n\nAAAAAaag"],
)
def test_codes_outside_iso_639_1_fall_back_to_the_declared_one(body: str) -> None:
    # py3langid answers "zxx" and "bcl" for these: not ISO 639-1 codes.
    assert detect_language(body, declared="en-GB") == "en"
    assert detect_language(body) is None


@pytest.mark.parametrize(
    "text",
    ["", "a", "ab", SENTENCES["en"], SENTENCES["ru"] * 3, "<nav>" * 12 + " the the .",
     "日本語のテキストです。" * 20, "mixed: Der Rat, le conseil, the council — 2025!"],
)
def test_ngram_counts_are_py3langids_own(text: str) -> None:
    identifier = language._identifier()
    if not isinstance(identifier, language._WindowedIdentifier):
        pytest.skip("py3langid's internals changed: its own counting is in use")
    encoded = identifier._encode(text)
    expected = visit_counts(identifier.tk_nextmove, identifier._rowbase,
                            identifier.tk_output, encoded) or {}
    # Same features, same counts, same (first-seen) order: the scores are bit-identical.
    features, counts = identifier.ngram_counts(encoded)
    assert list(zip(features.tolist(), counts.tolist(), strict=True)) == list(expected.items())
    assert identifier.classify(text) == py3langid.classify(text)
