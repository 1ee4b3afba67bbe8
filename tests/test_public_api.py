"""The public API is pinned: adding or removing a name from `cleaner` is a deliberate change."""

from __future__ import annotations

import cleaner

PUBLIC_NAMES = {
    "SCHEMA_VERSION",
    "BlockKind",
    "CleanOptions",
    "CleanResult",
    "CleanedDocument",
    "CleanerError",
    "Mode",
    "PageRejected",
    "Rejected",
    "RejectReason",
    "RemovedBlock",
    "clean",
}


def test_all_is_pinned() -> None:
    assert set(cleaner.__all__) == PUBLIC_NAMES
    assert len(cleaner.__all__) == len(PUBLIC_NAMES)  # no duplicates


def test_every_public_name_exists() -> None:
    for name in cleaner.__all__:
        assert hasattr(cleaner, name), name


def test_public_classes_say_they_come_from_cleaner() -> None:
    for name in cleaner.__all__:
        value = getattr(cleaner, name)
        if isinstance(value, type):
            assert value.__module__.startswith("cleaner."), name
