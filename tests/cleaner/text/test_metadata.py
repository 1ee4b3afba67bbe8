from __future__ import annotations

from cleaner.models import BlockKind
from cleaner.text import metadata as m
from cleaner.text.segment import Line

PROSE = "The committee heard evidence from several witnesses over the course of the day."


def line(text: str, detected: BlockKind | None = None) -> Line:
    return Line(text, blank_before=True, blank_after=True, detected=detected,
                words=len(text.split()))


def test_byline_names() -> None:
    assert m.byline_names("By Jane Doe and John Roe | March 3, 2025") == ("Jane Doe", "John Roe")
    assert m.byline_names("Viet Dung March 9, 2025 07:13") == ("Viet Dung",)
    assert m.byline_names("Par Jean Dupont, journaliste") == ("Jean Dupont",)
    assert m.byline_names("By Jane Doe ⋅ Senior Analyst ⋅ Updated May 5, 2025") == ("Jane Doe",)
    assert m.byline_names("| @handle | Mar 06, 2025, at 06:04 pm") == ("@handle",)


def test_the_article_starts_at_its_first_paragraph_not_a_headline() -> None:
    lines = (line("Menu"), line("A headline that the second pass took for body text"),
             line(PROSE), line(PROSE))
    kinds = (BlockKind.NAV, BlockKind.BODY, BlockKind.BODY, BlockKind.BODY)
    assert m.article_start(lines, kinds) == 2


def test_a_dated_byline_beats_the_page_clock_above_it() -> None:
    lines = (line("December 25, 2025 08:58 pm (IST)", BlockKind.PAGE_CLOCK),
             line("A headline"),
             line("| @site | Mar 06, 2025, at 06:04 pm", BlockKind.BYLINE),
             line(PROSE))
    zone = m._zone(anchor=1, start=3, n_lines=len(lines))
    assert m._publication_date(lines, zone) == "2025-03-06"


def test_the_page_clock_is_the_last_resort() -> None:
    lines = (line("December 25, 2025 08:58 pm (IST)", BlockKind.PAGE_CLOCK), line(PROSE))
    assert m._publication_date(lines, m._zone(anchor=1, start=1, n_lines=2)) == "2025-12-25"


def test_a_bio_sentence_names_the_author_when_no_byline_does() -> None:
    lines = (line(PROSE), line("Jane Doe is a reporter for the Daily Planet.", BlockKind.BIO))
    assert m._bio_authors(lines, start=0) == ("Jane Doe",)


def test_a_name_line_beside_a_date_is_the_author() -> None:
    lines = (line("Jane Doe"), line("September 4, 2025", BlockKind.DATELINE), line(PROSE))
    assert m._authors(lines, zone=[1, 0]) == ("Jane Doe",)

