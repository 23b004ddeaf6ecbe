"""The pandas reference: what a typical Streamlit app does, load whole tables into DataFrames.

Run as a child process (``python -m benchmarks.pandas_reference URL TABLE...``) so the memory the
DataFrames take is measured on their own and never counted in the benchmark's peak. Prints JSON:
seconds to load every table with ``pandas.read_sql`` and group the biggest one by team, rows loaded
and the child's peak resident memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import pandas as pd
from sqlalchemy import create_engine


def load_tables(url: str, tables: list[str]) -> dict:
    engine = create_engine(url)
    started = time.perf_counter()
    rows = 0
    with engine.connect() as conn:
        for table in tables:
            frame = pd.read_sql(f"SELECT * FROM {table}", conn)
            rows += len(frame)
            if "team_id" in frame.columns:
                # The groupby a page would then do; cheap next to the load, but part of the story.
                frame.groupby("team_id").size()
            del frame
    seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "rows": rows,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str]) -> int:
    url, *tables = argv
    print(json.dumps(load_tables(url, tables)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
