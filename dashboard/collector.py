"""Python's garbage collector in the app and the commands that compute or import a lot.

The cycle collector walks every container object it tracks in a full collection. Once the app has
loaded Streamlit, pandas, SQLAlchemy, DuckDB and its own modules, that is about 290,000 objects
that live as long as the process, and a first computation of a large organisation (200 teams,
tens of thousands of figures) sets off three full collections of about 0.17 s each: half a
second of a three-second Overview. Setting what is loaded aside (:func:`gc.freeze`: no later
collection walks it) spares those collections the walk, and looking for cycles among new objects
every :data:`YOUNG_THRESHOLD` allocations instead of every 700 lets most of a computation's objects
go before they are ever walked. The price is garbage waiting longer: about 20-30 MiB more in an app
process of 320 MiB, over sixty page runs, and no growth.

Cycles made afterwards are still collected; what is set aside is freed as usual when nothing refers
to it any more, and only a cycle made entirely of objects alive at that moment would stay.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Container objects made before the collector looks for cycles among the newest (default 700).
YOUNG_THRESHOLD = 20_000

_lock = threading.Lock()
_set_aside = False
_depth = 0  # blocks of collecting_less() open in this process
_threshold_before: tuple[int, ...] = ()


def set_aside_loaded() -> None:
    """Once per process, for the rest of it (the app, before its first page runs): collect what is
    garbage now, set everything still alive aside and raise the young threshold to
    :data:`YOUNG_THRESHOLD`. Later calls do nothing, so what later sessions hold is never set aside."""
    global _set_aside  # noqa: PLW0603 - once per process, by design
    with _lock:
        if _set_aside:
            return
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        _set_aside = True


def is_set_aside() -> bool:
    """Whether :func:`set_aside_loaded` has run in this process."""
    return _set_aside


@contextmanager
def collecting_less() -> Iterator[None]:
    """For the length of a block that makes millions of short-lived objects (an import, a command
    computing a report or every page): what is loaded is set aside and the collector looks for
    cycles every :data:`YOUNG_THRESHOLD` allocations. The outermost block puts both back as it found
    them, after an error too; blocks inside it change nothing, and in a process that has set what it
    loaded aside for good (:func:`set_aside_loaded`, before or during the block) nothing is put back."""
    global _depth, _threshold_before  # noqa: PLW0603 - one count per process, like the collector's
    with _lock:
        _depth += 1
        if _depth == 1 and not _set_aside:
            _threshold_before = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(YOUNG_THRESHOLD, *_threshold_before[1:])
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and not _set_aside:
                gc.set_threshold(*_threshold_before)
                gc.unfreeze()
