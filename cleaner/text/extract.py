"""Text-dump mode: a whole-page dump -> every line as a classified `Block`, plus metadata.

The stages, in order (each its own module):
  markdown  a Markdown dump is first written back in the plain dump shape (its `# H1`
            is kept aside: it is the title)
  segment   lines + blank-line layout + named detectors (`cleaner.vocab.detectors`)
  classify  context-free body probability per line (first pass, small MLP)
  revise    second pass over neighbours, detector vetoes, the article's end (a dump
            too short for the second pass keeps the first pass's verdict)
  metadata  title line, bylines, dates, bios, from the text itself
Then the title line and its repeats are labelled, and body blocks get a role.
"""

from __future__ import annotations

from cleaner.models import Block, BlockKind, BlockRole, Extraction, RawPage
from cleaner.options import CleanOptions
from cleaner.text.classify import classify, first_kinds, load_model
from cleaner.text.features import line_features
from cleaner.text.markdown import MarkdownDump, looks_like_markdown, read_markdown
from cleaner.text.metadata import find_metadata
from cleaner.text.revise import revise
from cleaner.text.segment import Line, segment
from cleaner.text.title import load_title_model
from cleaner.vocab.detectors import title_repeat
from cleaner.vocab.script import PARAGRAPH_ENDS

MAX_HEADING_WORDS = 15  # a body line this short with no closing punctuation is a subheading
TITLE_LENGTH_SLACK = 8  # characters of edge punctuation and white space a copy may differ by
_NOT_HEADING_END = PARAGRAPH_ENDS | frozenset(":;,：；，")
_BULLETS = ("-", "•", "*", "·", "–", "►", "▶")


def extract_text(page: RawPage, url: str | None, options: CleanOptions) -> Extraction:
    """Classify every non-empty line of the dump; metadata comes from the text alone."""
    dump = read_dump(page.text)
    lines = segment(dump.text)
    own = line_features(lines)
    model = load_model(options.model_dir)
    first_pass = classify(own, model)
    revision = revise(lines, own, first_pass, model)
    found = find_metadata(lines, own, revision, load_title_model(options.model_dir),
                          title_hint=dump.h1)
    kinds = label_title(lines, revision.kinds, found.title_line)
    blocks = tuple(
        Block(text=line.text, kind=kind, role=role(line, kind), first_kind=first_kind)
        for line, kind, first_kind in zip(lines, kinds, first_kinds(lines, first_pass),
                                          strict=True)
    )
    return Extraction(blocks=blocks, metadata=found.metadata)


def read_dump(text: str) -> MarkdownDump:
    """The dump in the plain shape the stages read (Markdown written back), with the
    Markdown H1 when there is one (training reads dumps through this too)."""
    return read_markdown(text) if looks_like_markdown(text) else MarkdownDump(text, None)


def label_title(
    lines: tuple[Line, ...], kinds: tuple[BlockKind, ...], title_line: int | None
) -> tuple[BlockKind, ...]:
    """The title line becomes TITLE, and any later copy of it TITLE_REPEAT."""
    if title_line is None:
        return kinds
    title = lines[title_line].text
    return tuple(
        BlockKind.TITLE if index == title_line
        else BlockKind.TITLE_REPEAT if _same_length(line.text, title) and title_repeat(
            line.text, title) else kind
        for index, (line, kind) in enumerate(zip(lines, kinds, strict=True))
    )


def _same_length(text: str, title: str) -> bool:
    """Cheap pre-check before comparing normalised text: a copy is about as long."""
    return abs(len(text) - len(title)) <= TITLE_LENGTH_SLACK


def role(line: Line, kind: BlockKind) -> BlockRole:
    """Markdown role of a body line, from its shape (a dump has no tags to tell us)."""
    text = line.text
    if kind is not BlockKind.BODY:
        return BlockRole.PARAGRAPH
    if text.startswith(_BULLETS):
        return BlockRole.LIST_ITEM
    if line.words <= MAX_HEADING_WORDS and text[-1] not in _NOT_HEADING_END:
        return BlockRole.HEADING
    return BlockRole.PARAGRAPH
