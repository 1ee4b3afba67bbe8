"""What the removed blocks are: the share of removed words per kind on a dataset, and how
much of it is the generic `boilerplate` kind (issue: "Removed blocks that are right").

    python bench/removed.py ../shared/data/aeb [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from cleaner import CleanedDocument, CleanOptions, clean
from cleaner.bench import iter_pages
from cleaner.models import BlockKind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    words: Counter[str] = Counter()
    in_body = long_blocks = 0
    for page in iter_pages(args.dataset, args.limit):
        result = clean(page.raw, options=CleanOptions(include_removed=True))
        if not isinstance(result, CleanedDocument) or result.removed is None:
            continue
        for block in result.removed:
            words[block.kind.value] += len(block.text.split())
            if len(block.text.split()) >= 4:
                long_blocks += 1
                in_body += block.text.strip() in result.text
    total = sum(words.values()) or 1
    for kind, count in words.most_common():
        print(f"{kind:<14} {count / total:6.1%}")
    print(f"generic share {words[BlockKind.BOILERPLATE.value] / total:.3f}")
    print(f"removed blocks of 4+ words standing in the body {in_body} of {long_blocks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
