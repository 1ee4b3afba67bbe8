"""A progress bar on long runs, only when a person is watching (stderr is a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(
    items: Iterable[T], *, desc: str, unit: str, total: int | None = None
) -> Iterator[T]:
    if not sys.stderr.isatty():
        yield from items
        return
    yield from tqdm(items, desc=desc, unit=unit, total=total, leave=False, file=sys.stderr)
