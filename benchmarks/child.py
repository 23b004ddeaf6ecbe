"""One measurement in a child process, so a run that takes too long can be stopped without leaving a
thread behind that would slow every later measurement.

``python -m benchmarks.child page URL FILE OUT`` renders one page (see :mod:`benchmarks.pages`);
``python -m benchmarks.child import URL FILE -`` runs ``python -m dashboard import opportunities FILE``
and prints its figures with its peak memory as JSON; ``python -m benchmarks.child report URL OUT`` runs ``python -m dashboard report`` for the demo's last
full quarter twice: first with nothing stored, then again (the stored report).
Either writes a pickle to ``OUT``: the seconds taken and the SQL recorded (for the floor).
"""

from __future__ import annotations

import pickle
import resource
import sys
import time

from benchmarks.floor import recording


def report(url: str) -> dict:
    import datetime as dt

    from benchmarks.pages import forget_stored_results
    from dashboard.cli.report import build_report
    from data_access.db import make_engine
    from data_access.scope import Period, Scope
    from metrics.report import render_markdown

    period = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    forget_stored_results(url)
    engine = make_engine(url)
    try:
        with recording() as recorded:
            started = time.perf_counter()
            render_markdown(build_report(engine, period, Scope.everything()))
            first = time.perf_counter() - started
        started = time.perf_counter()
        render_markdown(build_report(engine, period, Scope.everything()))
        stored = time.perf_counter() - started
    finally:
        engine.dispose()
    return {"seconds": first, "stored_seconds": stored, "recorded": recorded}


def page(url: str, file: str) -> dict:
    from benchmarks.pages import time_page

    timing = time_page(url, file, file)
    return {
        "first": timing.first,
        "cold": timing.cold,
        "warm": timing.warm,
        "recorded": timing.recorded,
        "cold_queries": timing.cold_queries,
        "error": timing.error,
    }


def command_import(url: str, path: str) -> dict:
    """``python -m dashboard import opportunities PATH`` as a child of this process: its figures and
    its own peak resident memory (this process only waits)."""
    from pathlib import Path

    from benchmarks.imports import run_command

    out = run_command(url, Path(path))
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def main(argv: list[str]) -> int:
    kind, *rest = argv
    if kind == "import":
        import json

        print(json.dumps(command_import(rest[0], rest[1])))
        return 0
    out = report(rest[0]) if kind == "report" else page(rest[0], rest[1])
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(rest[-1], "wb") as fh:
        pickle.dump(out, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
