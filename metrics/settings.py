"""Every tunable number of the metric layer, declared once with its default and help text.

A leader can override any of them on the settings page; overrides are rows of the
``setting_overrides`` table (see :mod:`data_access.settings_store`). :func:`load_metric_settings`
merges the two. Thresholds are named ``threshold.<metric id>.green`` / ``.red`` and Health Index
weights ``weight.<metric id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key, default, help text and kind (``number`` or ``numbers``, a list)."""

    key: str
    default: float | tuple[float, ...]
    help: str
    kind: str = "number"

    def parse(self, text: str) -> float | tuple[float, ...]:
        """The override ``text`` as a value of this setting's kind; ValueError names the setting."""
        try:
            if self.kind == "numbers":
                return tuple(float(part) for part in text.split(",") if part.strip())
            return float(text)
        except ValueError:
            raise ValueError(f"Setting {self.key} must be {self._expected()}, not {text!r}.") from None

    def _expected(self) -> str:
        return "a comma-separated list of numbers" if self.kind == "numbers" else "a number"


def _threshold(metric_id: str, green: float, red: float, what: str) -> tuple[SettingSpec, SettingSpec]:
    return (
        SettingSpec(f"threshold.{metric_id}.green", green, f"{what}: green at or better than this."),
        SettingSpec(f"threshold.{metric_id}.red", red, f"{what}: red at or worse than this."),
    )


def _weight(metric_id: str, weight: float) -> SettingSpec:
    return SettingSpec(f"weight.{metric_id}", weight, f"Weight of {metric_id} in the Purpose Health Index.")


SETTINGS: tuple[SettingSpec, ...] = (
    # Parameters of the definitions.
    SettingSpec("quarter_end_days", 14, "Days at the end of a quarter that count as quarter-end closing."),
    SettingSpec(
        "quarter_start_days",
        7,
        "Days at the start of a quarter watched for deals held back by sellers over quota.",
    ),
    SettingSpec("opening_minutes", 3, "A meeting's opening is its first minutes (what its lead says then) ..."),
    SettingSpec(
        "opening_max_utterances",
        10,
        "... or its first utterances, whichever ends first (the count alone without timings).",
    ),
    SettingSpec("discounted_from", 0.01, "A won deal counts as discounted from this discount (0.01 = 1%)."),
    SettingSpec(
        "discount_bands",
        (0.05, 0.15, 0.25),
        "Upper edges of the discount bands used for win rate by discount band.",
        "numbers",
    ),
    SettingSpec(
        "approval_limits",
        (0.10, 0.20, 0.30),
        "Discount approval limits watched for bunching just under.",
        "numbers",
    ),
    SettingSpec("approval_margin", 0.02, "How far under an approval limit counts as 'just under' it."),
    SettingSpec(
        "deep_discount_from", 0.20, "A discount at or above this is deep (comp-plan gaming at quarter end)."
    ),
    SettingSpec(
        "small_amount_share",
        0.05,
        "An amount at stake under this share of the contract's annual value is small.",
    ),
    SettingSpec("top_quartile", 0.25, "Share of sellers (by won amount) that makes the top performers."),
    SettingSpec(
        "privacy.min_respondents", 5, "Fewest survey respondents a group needs before a score is shown."
    ),
    SettingSpec(
        "privacy.min_comments", 10, "Fewest survey respondents a group needs before comments are shown."
    ),
    SettingSpec("evidence_limit", 200, "Most rows an evidence drill-down or export returns."),
    SettingSpec(
        "trend_steady", 0.02, "A change smaller than this share of a metric's scale is shown as steady."
    ),
    # Thresholds (value at which a symptom turns green, and at which it turns red).
    *_threshold("customer_talk_share", 0.4, 0.22, "Customer share of purpose-relevant meeting talk"),
    *_threshold(
        "deal_reviews_with_customer_questions", 0.60, 0.30, "Share of deal reviews asking about the customer"
    ),
    *_threshold("meetings_opening_with_customer", 0.50, 0.25, "Share of meetings opening with a customer"),
    *_threshold("nsp_mention_rate", 0.3, 0.05, "Share of meetings mentioning the NSP"),
    *_threshold("quarter_end_close_share", 0.32, 0.45, "Share of won amount closed at quarter end"),
    *_threshold(
        "pipeline_with_customer_outcome", 0.60, 0.35, "Share of pipeline amount with a customer outcome"
    ),
    *_threshold(
        "late_stage_without_outcome", 0.25, 0.5, "Share of late-stage deals without a customer outcome"
    ),
    *_threshold(
        "late_stage_with_exec_sponsor", 0.50, 0.30, "Share of late-stage deals with an executive sponsor"
    ),
    *_threshold("discounting", 0.08, 0.15, "Median discount of won deals"),
    *_threshold("price_loss_share", 0.25, 0.42, "Share of lost deals lost on price"),
    *_threshold("small_amount_jeopardy", 0.22, 0.35, "Share of renewals in jeopardy over a small amount"),
    *_threshold("comp_plan_gaming", 1.0, 2.0, "Close-date pushes per closed deal"),
    *_threshold("top_performer_slide", 0.5, 0.8, "Share of last period's top performers no longer on top"),
    *_threshold("customer_churn", 0.03, 0.05, "Logo churn in the period"),
    *_threshold("morale", 20.0, -5.0, "eNPS"),
    *_threshold("peer_competition", 3.6, 2.8, "Peer relationships driver (1-5)"),
    *_threshold("walk_away_rate", 0.10, 0.05, "Share of lost deals we disqualified for poor fit"),
    # Health Index weights.
    _weight("customer_talk_share", 2.0),
    _weight("deal_reviews_with_customer_questions", 1.0),
    _weight("meetings_opening_with_customer", 1.0),
    _weight("nsp_mention_rate", 1.0),
    _weight("quarter_end_close_share", 1.0),
    _weight("pipeline_with_customer_outcome", 1.0),
    _weight("late_stage_without_outcome", 1.0),
    _weight("late_stage_with_exec_sponsor", 1.0),
    _weight("discounting", 1.5),
    _weight("price_loss_share", 1.0),
    _weight("small_amount_jeopardy", 1.0),
    _weight("comp_plan_gaming", 1.0),
    _weight("top_performer_slide", 0.5),
    _weight("customer_churn", 1.5),
    _weight("morale", 1.5),
    _weight("peer_competition", 1.0),
    _weight("walk_away_rate", 0.5),
)

SETTINGS_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}


@dataclass(frozen=True)
class MetricSettings:
    """The resolved values of :data:`SETTINGS` (defaults merged with overrides)."""

    values: Mapping[str, float | tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def defaults(cls) -> MetricSettings:
        return cls({spec.key: spec.default for spec in SETTINGS})

    def with_overrides(self, overrides: Mapping[str, str | float]) -> MetricSettings:
        """A copy with ``overrides`` applied; unknown keys and unreadable values raise ValueError."""
        merged = dict(self.values)
        for key, raw in overrides.items():
            spec = SETTINGS_BY_KEY.get(key)
            if spec is None:
                raise ValueError(f"There is no setting called {key}.")
            merged[key] = spec.parse(raw) if isinstance(raw, str) else raw
        return MetricSettings(merged)

    def number(self, key: str) -> float:
        return float(self.values[key])  # type: ignore[arg-type]

    def integer(self, key: str) -> int:
        return int(self.values[key])  # type: ignore[arg-type]

    def numbers(self, key: str) -> tuple[float, ...]:
        return tuple(self.values[key])  # type: ignore[arg-type]

    def green(self, metric_id: str) -> float:
        return self.number(f"threshold.{metric_id}.green")

    def red(self, metric_id: str) -> float:
        return self.number(f"threshold.{metric_id}.red")

    def weight(self, metric_id: str) -> float:
        return self.number(f"weight.{metric_id}")


def load_metric_settings(conn: Connection) -> MetricSettings:
    """Defaults merged with the overrides stored in the database.

    Overrides of settings that no longer exist are ignored (a removed setting must not break the
    dashboard); an unreadable value of a known setting raises ValueError naming it.
    """
    from data_access.settings_store import read_overrides

    known = {key: value for key, value in read_overrides(conn).items() if key in SETTINGS_BY_KEY}
    return MetricSettings.defaults().with_overrides(known)
