"""How often the demo organisation meets and answers its pulse survey, and how long it talks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cadence:
    """The small demo's rhythm by default: a deal review every two weeks, a monthly pulse survey,
    transcripts of 25-58 utterances. The large demo meets and asks more often and talks longer."""

    deal_review_days: int = 14
    pulse_every_weeks: int | None = None  # None: once a month
    talk_length: float = 1.0
