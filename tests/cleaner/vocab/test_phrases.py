from __future__ import annotations

from cleaner.models import BlockKind
from cleaner.vocab.phrases import PatternRule, stems_of

RULE = PatternRule(BlockKind.DONATION, 8, (r"\bdonate (?:now|today)\b", r"^soutenez\b"))


def test_a_phrase_matches_whatever_the_case() -> None:
    assert RULE("Please DONATE NOW") is BlockKind.DONATION
    assert RULE("Soutenez-nous") is BlockKind.DONATION


def test_a_leading_word_boundary_is_still_required() -> None:
    assert RULE("Undonate now") is None


def test_a_later_match_on_a_word_boundary_still_counts() -> None:
    # The first match sits inside a word; the search goes on past it, as finditer would.
    assert RULE("Undonate now, donate now") is BlockKind.DONATION


def test_long_lines_and_lines_without_a_shared_stem_are_skipped() -> None:
    assert RULE("donate now " + "word " * 10) is None
    assert RULE("Nothing to see here") is None
    assert RULE.stems == frozenset({"donat", "today", "soute"})
    assert stems_of("Donations today!") == {"donat", "today"}


def test_marks_open_the_gate_without_a_word() -> None:
    rule = PatternRule(BlockKind.FOOTER, 8, ("©",), marks="©")
    assert rule("© 2025") is BlockKind.FOOTER


def test_stems_are_the_first_letters_of_runs_of_three_or_more_letters() -> None:
    assert stems_of("ab 3abc Défenses x_y_z, e-mail") == {"abc", "défen", "mail"}
