"""A symptom's result made by hand for the component tests: discounting at 30% (was 25%), red."""

from __future__ import annotations

from metrics.metric import MetricResult


def result(**changes) -> MetricResult:
    base = dict(
        id="discounting",
        label="Discounting",
        value=0.30,
        unit="share",
        previous=0.25,
        trend="worsening",
        score=40,
        status="red",
        threshold={},
        needs=None,
        detail="12 of 40 won deals discounted",
    )
    return MetricResult(**(base | changes))
