"""Progress reporting shared by the command line and the app.

Long work (imports, demo generation) takes a ``progress(fraction, message)`` callable; the CLI
passes :func:`terminal_progress`, the app a wrapper around ``st.progress``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

ProgressFn = Callable[[float, str], None]


def terminal_progress(stream=None) -> ProgressFn:
    out = stream or sys.stderr
    last = {"pct": -1}

    def report(fraction: float, message: str) -> None:
        pct = int(max(0.0, min(1.0, fraction)) * 100)
        if pct == last["pct"] and pct not in (0, 100):
            return
        last["pct"] = pct
        bar = "#" * (pct // 4)
        out.write(f"\r[{bar:<25}] {pct:3d}% {message[:60]:<60}")
        if pct >= 100:
            out.write("\n")
        out.flush()

    return report


def silent(_fraction: float, _message: str) -> None:
    return None
