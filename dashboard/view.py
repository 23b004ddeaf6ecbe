"""What a page reads from: which database, for whom, which slice of the data, under which settings.

The app shell builds one :class:`View` per run (:func:`dashboard.shell.state.view`); ``precompute``
builds one per period preset. Every read of :mod:`dashboard.reads` takes it, so no page repeats the
database, the scope and the filters at each call.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sqlalchemy import Engine

from data_access.scope import Filters, Period, Scope
from metrics.parameters import MetricSettings


@dataclass(frozen=True)
class View:
    """The database (its URL keys the caches; the Engine is the process's cached one), the viewer's
    scope, the teams and period in view (None where a viewer sees no people data), and the metric
    settings. ``cache`` is False outside a Streamlit run: reads then go to the result store only."""

    url: str
    engine: Engine = field(compare=False, repr=False)
    scope: Scope
    filters: Filters | None = None
    settings: MetricSettings | None = None
    cache: bool = True

    def with_filters(self, filters: Filters) -> View:
        return dataclasses.replace(self, filters=filters)

    def with_period(self, period: Period) -> View:
        """The same view over another period (the teams and segment kept)."""
        return self.with_filters(dataclasses.replace(self.filters, period=period))

    def with_scope(self, scope: Scope) -> View:
        return dataclasses.replace(self, scope=scope)
