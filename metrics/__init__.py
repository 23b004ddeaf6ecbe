"""What the numbers mean: the metric registry, the symptom scorecard and the Purpose Health Index.

Pages, the report command and the docs read :mod:`metrics.registry`; nothing computes a metric
anywhere else. Everything here is a pure function over a SQLAlchemy Connection the caller owns.
"""
