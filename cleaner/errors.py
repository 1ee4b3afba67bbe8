"""The library's exceptions.

    CleanerError                 base of everything raised on purpose here
    └── PageRejected             a stage found the page unusable; `clean()`
                                 turns it into a `Rejected` result

`clean()` itself never raises for a bad page: callers get `Rejected` with a
`RejectReason`. Stages raise `PageRejected` so that the orchestrator stays a
straight list of calls.
"""

from __future__ import annotations

from cleaner.models import Mode, Rejected, RejectReason


class CleanerError(Exception):
    """Base class of the library's exceptions."""


class PageRejected(CleanerError):
    """A stage decided the page yields no document."""

    def __init__(
        self,
        reason: RejectReason,
        detail: str,
        *,
        mode: Mode | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.mode = mode
        self.title = title

    def to_result(self, url: str | None = None) -> Rejected:
        return Rejected(
            reason=self.reason, detail=self.detail, url=url, mode=self.mode, title=self.title
        )
