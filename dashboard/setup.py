"""Creating the database and loading the demo: one code path for ``init`` and the app's first run."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.config import Settings
from dashboard.database import open_engine
from dashboard.progress import ProgressFn, silent
from data_access import models as m
from data_access.db import migrate, refresh_statistics


def end_of_last_month(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def initialise(
    settings: Settings,
    *,
    demo: bool = False,
    seed: int = 7,
    end: dt.date | None = None,
    reset: bool = False,
    progress: ProgressFn = silent,
    today: dt.date | None = None,
    scale: str = "small",
) -> dict:
    """Migrate the schema and, when asked, load the demo organisation in one transaction.

    ``scale`` "small" (the default) loads the eight-team demo and relabels its talk with the
    classifier; "large" streams the 200-team organisation division by division and keeps the
    demo's planted talk labels (classifying three million lines would take longer than the load;
    ``python -m dashboard reclassify`` relabels them when wanted).
    """
    engine = open_engine(settings)
    try:
        if reset:
            m.Base.metadata.drop_all(engine)
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        revision = migrate(engine)
        summary: dict = {"revision": revision, "seed": seed}
        if demo:
            from data_access.demo.bulk import sqlite_load_settings

            with engine.connect() as conn, sqlite_load_settings(conn), conn.begin():
                already = conn.execute(
                    select(m.ImportBatch.id).where(m.ImportBatch.format == "demo").limit(1)
                ).first()
                if already:
                    summary["demo"] = "present"
                elif scale != "small":
                    from data_access.demo.scale import SCALES, stream_demo

                    last_day = end or end_of_last_month(today or dt.date.today())
                    summary.update(
                        stream_demo(conn, SCALES[scale], seed=seed, end=last_day, progress=progress)
                    )
                    summary["demo"] = "loaded"
                else:
                    from data_access.demo import load_demo

                    last_day = end or end_of_last_month(today or dt.date.today())
                    summary.update(load_demo(conn, seed=seed, end=last_day, progress=progress))
                    # The demo plants its talk labels; relabel with the real classifier so what the
                    # dashboard shows is what the classifier says.
                    from data_access.scope import Scope
                    from metrics.talk.reclassify import reclassify

                    reclassify(conn, Scope.everything(), progress=progress)
                    summary["demo"] = "loaded"
            if summary["demo"] == "loaded":
                refresh_statistics(engine, full=True)
                from dashboard.database import refresh_analytics

                summary["analytics"] = refresh_analytics(engine, progress)
        return summary
    finally:
        engine.dispose()
