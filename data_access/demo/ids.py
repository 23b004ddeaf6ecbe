"""Primary keys handed out in Python, so related rows can be built before anything is written."""

from __future__ import annotations

from collections.abc import Mapping


class Ids:
    """Sequential ids per table, continuing after whatever the database already holds."""

    def __init__(self, after: Mapping[str, int] | None = None) -> None:
        self._last = dict(after or {})

    def next(self, table: str) -> int:
        value = self._last.get(table, 0) + 1
        self._last[table] = value
        return value
