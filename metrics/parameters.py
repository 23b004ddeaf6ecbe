"""Every tunable number of the metric layer, declared once with its default and help text.

A leader can override any of them on the settings page; overrides are rows of the
``setting_overrides`` table (see :mod:`data_access.parameter_store`). :func:`load_metric_settings`
merges the two. Thresholds are named ``threshold.<metric id>.green`` / ``.red`` and Health Index
weights ``weight.<metric id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Connection


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key, default, help text and kind (``number`` or ``numbers``, a list)."""

    key: str
    default: float | tuple[float, ...]
    help: str
    kind: str = "number"
    # The lowest value allowed (the survey minimums have floors no one may go below).
    minimum: float | None = None

    def parse(self, text: str) -> float | tuple[float, ...]:
        """The override ``text`` as a value of this setting's kind; ValueError names the setting."""
        try:
            if self.kind == "numbers":
                return tuple(float(part) for part in text.split(",") if part.strip())
            return float(text)
        except ValueError:
            raise ValueError(f"Setting {self.key} must be {self._expected()}, not {text!r}.") from None

    def validate(self, text: str) -> float | tuple[float, ...]:
        """:meth:`parse` for a value someone is saving: also refused below :attr:`minimum`. (A value
        stored earlier still loads; the metric layer applies the floors whatever is stored.)"""
        value = self.parse(text)
        if self.minimum is not None and not (isinstance(value, float) and value >= self.minimum):
            raise ValueError(f"Setting {self.key} cannot be below {self.minimum:g}, not {text!r}.")
        return value

    def _expected(self) -> str:
        return "a comma-separated list of numbers" if self.kind == "numbers" else "a number"


def metric_specs(metric) -> tuple[SettingSpec, ...]:
    """The settings a declared metric brings: its two thresholds, its weight and its minimum sample,
    with the declaration's values as defaults."""
    what = metric.label
    depth = metric.depth
    extra = ()
    if depth is not None:
        extra = (
            SettingSpec(
                f"depth.{metric.id}.green",
                depth.thresholds.green,
                f"{depth.label}: green at or better than this.",
            ),
            SettingSpec(
                f"depth.{metric.id}.red", depth.thresholds.red, f"{depth.label}: red at or worse than this."
            ),
        )
    return (
        SettingSpec(
            f"threshold.{metric.id}.green", metric.thresholds.green, f"{what}: green at or better than this."
        ),
        SettingSpec(
            f"threshold.{metric.id}.red", metric.thresholds.red, f"{what}: red at or worse than this."
        ),
        SettingSpec(f"weight.{metric.id}", metric.weight, f"Weight of {what} in the Purpose Health Index."),
        SettingSpec(
            f"min_sample.{metric.id}",
            metric.min_sample,
            f"{what}: fewest {metric.sample} a figure needs before it is scored (fewer: shown greyed, 'too few').",
        ),
        *extra,
    )


# The parameters of the definitions; each metric's thresholds, weight and minimum sample come from
# its declaration (:func:`all_settings`).
PARAMETERS: tuple[SettingSpec, ...] = (
    # Parameters of the definitions.
    SettingSpec("quarter_end_days", 14, "Days at the end of a quarter that count as quarter-end closing."),
    SettingSpec(
        "quarter_start_days",
        7,
        "Days at the start of a quarter watched for deals held back by sellers over quota.",
    ),
    SettingSpec(
        "opening_minutes", 3, "A meeting's opening is its first minutes (what its lead says then) ..."
    ),
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
        "top_quartile_min_sellers",
        8,
        "Fewest sellers with won deals in the earlier period before its top quartile is meaningful.",
    ),
    SettingSpec("top_quartile_min_size", 2, "Fewest sellers a top quartile must hold to be compared."),
    SettingSpec(
        "enps_low_confidence", 10, "An eNPS from fewer respondents than this is flagged low confidence."
    ),
    SettingSpec(
        "privacy.min_respondents",
        5,
        "Fewest survey respondents a group needs before a score is shown.",
        minimum=5,
    ),
    SettingSpec(
        "privacy.min_comments",
        10,
        "Fewest survey respondents a group needs before comments are shown.",
        minimum=10,
    ),
    SettingSpec("evidence_limit", 200, "Most rows an evidence drill-down or export returns."),
    SettingSpec(
        "trend_steady", 0.02, "A change smaller than this share of a metric's scale is shown as steady."
    ),
)


@cache
def all_settings() -> tuple[SettingSpec, ...]:
    """Every setting: the parameters, then each declared metric's thresholds, weight and minimum sample."""
    from metrics.registry import METRICS  # the declarations import this module's types

    return PARAMETERS + tuple(spec for metric in METRICS for spec in metric_specs(metric))


def spec_for(key: str) -> SettingSpec | None:
    return _by_key().get(key)


@cache
def _by_key() -> dict[str, SettingSpec]:
    return {spec.key: spec for spec in all_settings()}


@dataclass(frozen=True)
class MetricSettings:
    """The resolved values of :func:`all_settings` (defaults merged with overrides)."""

    values: Mapping[str, float | tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def defaults(cls) -> MetricSettings:
        return cls({spec.key: spec.default for spec in all_settings()})

    def with_overrides(self, overrides: Mapping[str, str | float]) -> MetricSettings:
        """A copy with ``overrides`` applied; unknown keys and unreadable values raise ValueError."""
        merged = dict(self.values)
        for key, raw in overrides.items():
            spec = spec_for(key)
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

    def min_sample(self, metric_id: str) -> int:
        return self.integer(f"min_sample.{metric_id}")


def load_metric_settings(conn: Connection) -> MetricSettings:
    """Defaults merged with the overrides stored in the database.

    Overrides of settings that no longer exist are ignored (a removed setting must not break the
    dashboard); an unreadable value of a known setting raises ValueError naming it.
    """
    from data_access.parameter_store import read_overrides

    known = {key: value for key, value in read_overrides(conn).items() if spec_for(key) is not None}
    return MetricSettings.defaults().with_overrides(known)
