"""The whole text pipeline on synthetic dumps, and on the project's real seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.models import BlockKind, Mode, RawPage
from cleaner.options import DEFAULT_OPTIONS
from cleaner.text.extract import extract_text

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
STORY = (
    "The river rose three metres overnight and flooded the lower town, officials said.",
    "Volunteers filled sandbags along the embankment until the early hours of the morning.",
    "The mayor said the new flood wall had held and that nobody had been hurt in the town.",
    "Engineers will inspect the wall on Monday before the next high tide arrives, she added.",
)


def run(text: str):  # type: ignore[no-untyped-def]
    return extract_text(RawPage(text, Mode.TEXT, None), None, DEFAULT_OPTIONS)


def body(text: str) -> list[str]:
    return [b.text for b in run(text).blocks if b.kind is BlockKind.BODY]


def test_a_synthetic_story_page() -> None:
    dump = "\n".join([
        "Home", "News", "Sport", "", "Flood wall holds as river peaks", "",
        "By Jane Doe | March 3, 2025", "", *(f"{s}\n" for s in STORY), "Share on Facebook",
        "Support our journalism", "Donate today to keep local news alive.", "© 2025 Example",
    ])
    extraction = run(dump)
    assert body(dump) == list(STORY)
    assert extraction.metadata.title == "Flood wall holds as river peaks"
    assert extraction.metadata.authors == ("Jane Doe",)
    assert extraction.metadata.date_published == "2025-03-03"


def test_every_non_empty_line_becomes_a_block_with_both_labels() -> None:
    dump = "Home\n\n" + "\n\n".join(STORY)
    blocks = run(dump).blocks
    assert len(blocks) == 1 + len(STORY)
    assert all(b.first_kind is not None for b in blocks)
    assert blocks[0].kind is BlockKind.NAV


@pytest.mark.parametrize("paragraphs", [1, 2, 3, len(STORY)])
def test_a_dump_of_a_few_paragraphs_is_all_body(paragraphs: int) -> None:
    """An article's text alone (a short post, text extracted elsewhere) is a dump too short
    for the second pass's context: the first pass keeps its prose."""
    dump = "\n\n".join(STORY[:paragraphs])
    assert body(dump) == list(STORY[:paragraphs])


def test_a_whole_article_saved_as_one_line_is_body() -> None:
    line = " ".join(STORY * 60)  # ~900 words: far longer than the lines the model saw
    assert body(line) == [line]


def test_a_short_dump_still_drops_what_a_detector_names() -> None:
    dump = "\n\n".join([STORY[0], "Share on Facebook", STORY[1]])
    assert body(dump) == [STORY[0], STORY[1]]


def test_an_all_boilerplate_page_has_no_body() -> None:
    assert body("Home\nLogin\nFollow us:\n© 2025 Example") == []


def test_the_glued_date_prefix_goes_to_metadata() -> None:
    extraction = run(" date 2025-03-06 " + "\n\n".join(STORY))
    assert extraction.blocks[0].kind is BlockKind.DATE_PREFIX
    assert extraction.metadata.date_published == "2025-03-06"
    assert extraction.metadata.title is None


@pytest.mark.parametrize(
    ("seed", "title", "author", "date"),
    [
        ("000_6c8a31312826dfd7", "As US steps back, France shares military intelligence to "
         "Ukraine", "@indiablooms", "2025-03-06"),
        ("001_f639cd0ec99a281c", None, None, "2025-03-06"),
        ("002_11fa018f845dcad3", "Les États-Unis continuent de partager des renseignements "
         "avec Kiev, l'Ukraine envisage de se retirer de Koursk", "Viet Dung", "2025-03-09"),
        ("003_292f4e79ff52f295", "Britain and France are 'not ruling out' sending troops to "
         "Ukraine", None, "2024-11-25"),
        ("004_37508951ab868a42", "Trump's reelection revives talks in Europe on sending "
         "military personnel to Ukraine, Le Monde reports", "Martin Fornusek", None),
    ],
)
def test_seed_metadata(seed: str, title: str | None, author: str | None,
                       date: str | None) -> None:
    meta = run((SEEDS / f"{seed}.txt").read_text(encoding="utf-8")).metadata
    assert meta.title == title
    assert (meta.authors[0] if meta.authors else None) == author
    assert meta.date_published == date


@pytest.mark.parametrize(
    ("seed", "dropped"),
    [
        ("000_6c8a31312826dfd7", ["Follow us:", "Support Our Journalism",
                                  "December 25, 2025 08:58 pm (IST)"]),
        ("002_11fa018f845dcad3", ["gkypr0fwaaaociq-92093.jpg", "Copier le lien", "x"]),
        ("003_292f4e79ff52f295", ["More...", "No comments:"]),
        ("004_37508951ab868a42", ["2 min read", "Avatar", "Read more", "Show More"]),
    ],
)
def test_seed_boilerplate_is_dropped_and_the_story_kept(seed: str, dropped: list[str]) -> None:
    kept = body((SEEDS / f"{seed}.txt").read_text(encoding="utf-8"))
    assert not set(dropped) & set(kept)
    assert sum(len(text.split()) for text in kept) > 200
