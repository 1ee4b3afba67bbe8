"""docs/service.md documents every setting and every key the service writes."""

from __future__ import annotations

import pytest

from tests.workers.conftest import REPO
from workers.settings import Keys, WorkerSettings

DOC = (REPO / "docs" / "service.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(WorkerSettings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"CLEANER_{field.upper()}" in DOC


def test_every_key_is_documented_with_its_default_prefix() -> None:
    keys = Keys("cleaner")
    names = [keys.inbox, keys.inbox_group, keys.results, keys.failed, keys.pending,
             keys.deliveries, keys.stats, keys.jobs, keys.sweeper_lock, keys.doc("<id>"),
             "cleaner:rate:"]
    for name in names:
        assert f"`{name}" in DOC, name
