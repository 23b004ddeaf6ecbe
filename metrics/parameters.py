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

# How a setting's value reads to a leader: ``percent`` values are stored as fractions (0.05) and
# shown and entered as percent (5); ``money`` is in the organisation's currency; the integer units
# take whole numbers.
UNITS = {
    "percent": "%",
    "money": "",
    "days": "days",
    "minutes": "minutes",
    "count": "",
    "points": "points",
    "per_deal": "per deal",
    "score_1_5": "of 5",
    "weight": "",
}
INTEGER_UNITS = ("days", "minutes", "count")
# Groups of settings that belong to no single symptom, in the order the settings page lists them
# after the symptoms.
GENERAL_GROUPS = {
    "data": "Data freshness",
    "privacy": "Survey privacy",
    "display": "Every page",
}
# A metric's unit (``metrics.metric.UNITS``) as the unit of its thresholds, with their bounds.
_THRESHOLD_UNITS = {
    "share": ("percent", 0.0, 1.0),
    "points": ("points", -100.0, 100.0),
    "per_deal": ("per_deal", 0.0, 50.0),
    "mean_1_5": ("score_1_5", 1.0, 5.0),
}


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key, default, help text and kind (``number`` or ``numbers``, a list); how it
    reads to a leader (``label``, ``unit``), the values it may take (``minimum`` / ``maximum``, in
    stored units) and the ``group`` it is listed under (a symptom's id or a :data:`GENERAL_GROUPS` key)."""

    key: str
    default: float | tuple[float, ...]
    help: str
    kind: str = "number"
    # The lowest value allowed (the survey minimums have floors no one may go below).
    minimum: float | None = None
    maximum: float | None = None
    label: str = ""
    unit: str = "count"
    group: str = "display"

    @property
    def scale(self) -> float:
        """Stored value × scale = the value a leader sees and types (100 for percent)."""
        return 100.0 if self.unit == "percent" else 1.0

    @property
    def integer(self) -> bool:
        return self.unit in INTEGER_UNITS

    @property
    def title(self) -> str:
        return self.label or self.key

    def to_display(self, value: float) -> float:
        shown = round(float(value) * self.scale, 9)
        return float(int(shown)) if self.integer else shown

    def from_display(self, shown: float) -> float:
        return round(float(shown) / self.scale, 12) if self.scale != 1 else float(shown)

    def show(self, value: float | tuple[float, ...] | None) -> str:
        """A stored value as a leader reads it: 5%, 14 days, 1.5, €250,000; "default" for None."""
        if value is None:
            return "default"
        if isinstance(value, tuple):
            return ", ".join(self.show(v) for v in value)
        shown = self.to_display(value)
        if self.unit == "percent":
            return f"{shown:g}%"
        if self.unit == "money":
            from metrics.money import money

            return money(shown)
        suffix = UNITS.get(self.unit, "")
        number = f"{shown:,.0f}" if self.integer else f"{shown:g}"
        return f"{number} {suffix}".strip()

    def text_for(self, value: float | tuple[float, ...]) -> str:
        """The text a value is stored as (``0.07`` for 7%, ``14`` for 14 days)."""
        if isinstance(value, tuple):
            return ", ".join(self.text_for(v) for v in value)
        return f"{value:.12g}"

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
        for number in value if isinstance(value, tuple) else (value,):
            if self.minimum is not None and not number >= self.minimum:
                raise ValueError(
                    f"Setting {self.key} ({self.title}) cannot be below {self.show(self.minimum)}, "
                    f"not {self.show(number)}."
                )
            if self.maximum is not None and not number <= self.maximum:
                raise ValueError(
                    f"Setting {self.key} ({self.title}) cannot be above {self.show(self.maximum)}, "
                    f"not {self.show(number)}."
                )
            if self.integer and number != int(number):
                raise ValueError(f"Setting {self.key} ({self.title}) must be a whole number, not {number:g}.")
        return value

    def _expected(self) -> str:
        return "a comma-separated list of numbers" if self.kind == "numbers" else "a number"


def metric_specs(metric) -> tuple[SettingSpec, ...]:
    """The settings a declared metric brings: its two thresholds, its weight and its minimum sample,
    with the declaration's values as defaults, listed under the metric."""
    what = metric.label
    unit, low, high = _THRESHOLD_UNITS.get(metric.unit, ("count", None, None))
    group = metric.id
    depth = metric.depth
    extra = ()
    if depth is not None:
        extra = (
            SettingSpec(
                f"depth.{metric.id}.green",
                depth.thresholds.green,
                f"{depth.label}: green at or better than this.",
                minimum=0.0,
                maximum=1.0,
                label=f"{depth.label.split(' (')[0]}: green at",
                unit="percent",
                group=group,
            ),
            SettingSpec(
                f"depth.{metric.id}.red",
                depth.thresholds.red,
                f"{depth.label}: red at or worse than this.",
                minimum=0.0,
                maximum=1.0,
                label=f"{depth.label.split(' (')[0]}: red at",
                unit="percent",
                group=group,
            ),
        )
    return (
        SettingSpec(
            f"threshold.{metric.id}.green",
            metric.thresholds.green,
            f"{what}: green at or better than this.",
            minimum=low,
            maximum=high,
            label="Green at",
            unit=unit,
            group=group,
        ),
        SettingSpec(
            f"threshold.{metric.id}.red",
            metric.thresholds.red,
            f"{what}: red at or worse than this.",
            minimum=low,
            maximum=high,
            label="Red at",
            unit=unit,
            group=group,
        ),
        SettingSpec(
            f"weight.{metric.id}",
            metric.weight,
            f"Weight of {what} in the Purpose Health Index (0 leaves it out).",
            minimum=0.0,
            maximum=10.0,
            label="Weight in the Health Index",
            unit="weight",
            group=group,
        ),
        SettingSpec(
            f"min_sample.{metric.id}",
            metric.min_sample,
            f"{what}: fewest {metric.sample} a figure needs before it is scored (fewer: shown greyed, 'too few').",
            minimum=1,
            maximum=10_000,
            label=f"Fewest {metric.sample} to score",
            unit="count",
            group=group,
        ),
        *extra,
    )


# The parameters of the definitions, each listed under the symptom it shapes (or a general group);
# each metric's thresholds, weight and minimum sample come from its declaration (:func:`all_settings`).
PARAMETERS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "quarter_end_days",
        14,
        "Days at the end of a quarter that count as quarter-end closing.",
        minimum=1,
        maximum=45,
        label="Quarter-end window",
        unit="days",
        group="quarter_end_close_share",
    ),
    SettingSpec(
        "quarter_start_days",
        7,
        "Days at the start of a quarter watched for deals held back by sellers over quota.",
        minimum=1,
        maximum=45,
        label="Quarter-start window",
        unit="days",
        group="comp_plan_gaming",
    ),
    SettingSpec(
        "opening_minutes",
        3,
        "A meeting's opening is its first minutes (what its lead says then) ...",
        minimum=1,
        maximum=30,
        label="Opening: first minutes",
        unit="minutes",
        group="meetings_opening_with_customer",
    ),
    SettingSpec(
        "opening_max_utterances",
        10,
        "... or its first utterances, whichever ends first (the count alone without timings).",
        minimum=1,
        maximum=200,
        label="Opening: first utterances",
        unit="count",
        group="meetings_opening_with_customer",
    ),
    SettingSpec(
        "discounted_from",
        0.01,
        "A won deal counts as discounted from this discount.",
        minimum=0.0,
        maximum=1.0,
        label="Counts as discounted from",
        unit="percent",
        group="discounting",
    ),
    SettingSpec(
        "discount_bands",
        (0.05, 0.15, 0.25),
        "Upper edges of the discount bands used for win rate by discount band.",
        "numbers",
        minimum=0.0,
        maximum=1.0,
        label="Discount bands (upper edges)",
        unit="percent",
        group="discounting",
    ),
    SettingSpec(
        "approval_limits",
        (0.10, 0.20, 0.30),
        "Discount approval limits watched for bunching just under.",
        "numbers",
        minimum=0.0,
        maximum=1.0,
        label="Approval limits",
        unit="percent",
        group="discounting",
    ),
    SettingSpec(
        "approval_margin",
        0.02,
        "How far under an approval limit counts as 'just under' it.",
        minimum=0.0,
        maximum=0.2,
        label="Just under a limit: within",
        unit="percent",
        group="discounting",
    ),
    SettingSpec(
        "deep_discount_from",
        0.20,
        "A discount at or above this is deep (comp-plan gaming at quarter end).",
        minimum=0.0,
        maximum=1.0,
        label="Deep discount from",
        unit="percent",
        group="comp_plan_gaming",
    ),
    SettingSpec(
        "small_amount_share",
        0.05,
        "An amount at stake under this share of the contract's annual value is small.",
        minimum=0.0,
        maximum=1.0,
        label="Small amount: under",
        unit="percent",
        group="small_amount_jeopardy",
    ),
    SettingSpec(
        "top_quartile",
        0.25,
        "Share of sellers (by won amount) that makes the top performers.",
        minimum=0.05,
        maximum=0.5,
        label="Top performers: top share of sellers",
        unit="percent",
        group="top_performer_slide",
    ),
    SettingSpec(
        "top_quartile_min_sellers",
        8,
        "Fewest sellers with won deals in the earlier period before its top quartile is meaningful.",
        minimum=2,
        maximum=1_000,
        label="Fewest sellers with wins",
        unit="count",
        group="top_performer_slide",
    ),
    SettingSpec(
        "top_quartile_min_size",
        2,
        "Fewest sellers a top quartile must hold to be compared.",
        minimum=1,
        maximum=100,
        label="Fewest top performers",
        unit="count",
        group="top_performer_slide",
    ),
    SettingSpec(
        "enps_low_confidence",
        10,
        "An eNPS from fewer respondents than this is flagged low confidence.",
        minimum=1,
        maximum=1_000,
        label="Low confidence under (respondents)",
        unit="count",
        group="morale",
    ),
    SettingSpec(
        "stale_after_days",
        7,
        "A source last imported longer ago than this is flagged as stale on Home and Data › Imports.",
        minimum=1,
        maximum=365,
        label="Stale after",
        unit="days",
        group="data",
    ),
    SettingSpec(
        "privacy.min_respondents",
        5,
        "Fewest survey respondents a group needs before a score is shown.",
        minimum=5,
        maximum=1_000,
        label="Fewest respondents for a score",
        unit="count",
        group="privacy",
    ),
    SettingSpec(
        "privacy.min_comments",
        10,
        "Fewest survey respondents a group needs before comments are shown.",
        minimum=10,
        maximum=1_000,
        label="Fewest respondents for comments",
        unit="count",
        group="privacy",
    ),
    SettingSpec(
        "evidence_limit",
        200,
        "Most rows an evidence drill-down or export returns.",
        minimum=10,
        maximum=10_000,
        label="Evidence rows shown",
        unit="count",
        group="display",
    ),
    SettingSpec(
        "trend_steady",
        0.02,
        "A change smaller than this share of a metric's scale is shown as steady.",
        minimum=0.0,
        maximum=0.5,
        label="Steady below (share of the scale)",
        unit="percent",
        group="display",
    ),
)


def setting_groups() -> list[tuple[str, str, list[SettingSpec]]]:
    """The settings by group, as the settings page lists them: ``(group, display name, specs)``,
    each symptom in scorecard order with its thresholds, weight, minimum sample and the parameters
    of its definition, then :data:`GENERAL_GROUPS`."""
    from metrics.registry import METRICS

    names = {metric.id: metric.label for metric in METRICS} | GENERAL_GROUPS
    grouped: dict[str, list[SettingSpec]] = {group: [] for group in names}
    for spec in all_settings():
        grouped.setdefault(spec.group, []).append(spec)
    return [(group, names.get(group, group), specs) for group, specs in grouped.items() if specs]


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
