"""HTML stage label: the kind of every block the engine did not keep as body.

A dropped block is named by the most specific evidence there is: what its
innermost elements say (a class, id, role or tag saying cookie, comment, related,
nav, footer...), else a detector of `cleaner.vocab.detectors` that knows its
words (share, newsletter, byline...), else what any ancestor says, else a block
made mostly of links is navigation; only what none of these names stays generic
boilerplate. The detectors read only blocks short enough to be a label or an
appeal (a page drops hundreds of blocks; reading each costs ~35 us).
"""

from __future__ import annotations

import functools

from cleaner.html.dom_blocks import CLASS_BITS, TAG_BITS
from cleaner.models import BlockKind
from cleaner.vocab.detectors import detect

# Markup words, most specific first: a share bar inside a footer is a share bar.
_CLASS_KINDS: tuple[tuple[str, BlockKind], ...] = (
    ("cookie", BlockKind.COOKIE), ("signup", BlockKind.NEWSLETTER),
    ("share", BlockKind.SHARE), ("comment", BlockKind.COMMENTS),
    ("related", BlockKind.RELATED), ("ad", BlockKind.AD), ("caption", BlockKind.CAPTION),
    ("meta", BlockKind.METADATA), ("pager", BlockKind.NAV), ("nav", BlockKind.NAV),
    ("footer", BlockKind.FOOTER), ("header", BlockKind.HEADER),
    ("sidebar", BlockKind.SIDEBAR), ("hidden", BlockKind.HIDDEN), ("button", BlockKind.UI),
)
_TAG_KINDS: tuple[tuple[str, BlockKind], ...] = (
    ("dialog", BlockKind.COOKIE), ("figure", BlockKind.CAPTION), ("nav", BlockKind.NAV),
    ("footer", BlockKind.FOOTER), ("header", BlockKind.HEADER), ("aside", BlockKind.SIDEBAR),
    ("form", BlockKind.UI),
)
_MARKUP_KINDS: tuple[tuple[int, BlockKind], ...] = (
    *((1 << CLASS_BITS.index(name), kind) for name, kind in _CLASS_KINDS),
    *((1 << (len(CLASS_BITS) + TAG_BITS.index(name)), kind) for name, kind in _TAG_KINDS),
)
MAX_DETECTED_CHARS = 300  # past a few sentences a block is no label, appeal or byline
LINK_LIST_SHARE = 0.5  # past this share of its characters in links, a block is navigation


def removed_kind(text: str, near: int, mask: int, link_share: float) -> BlockKind:
    """The kind of a dropped block, from its text, its innermost elements' bits (`near`)
    and all its ancestors' bits (`mask`)."""
    return (markup_kind(near)
            or (detected_kind(text) if len(text) <= MAX_DETECTED_CHARS else None)
            or markup_kind(mask)
            or (BlockKind.NAV if link_share > LINK_LIST_SHARE else BlockKind.BOILERPLATE))


@functools.lru_cache(maxsize=8192)
def detected_kind(text: str) -> BlockKind | None:
    """`detect`, once per text: menus, share bars and footers repeat within a page and
    across a site's pages."""
    return detect(text)


@functools.lru_cache(maxsize=4096)  # a page's blocks share a few hundred masks
def markup_kind(bits: int) -> BlockKind | None:
    for bit, kind in _MARKUP_KINDS:
        if bits & bit:
            return kind
    return None
