"""The cross-author check: the talk classifier against planted labels.

The demo's meeting language (``data_access.demo.language``) was written by a different author, for
a different purpose, with a label planted on every sentence. None of it is ever used to fit the
classifier, which makes it a fair test of wording the corpus did not anticipate. The caller
generates the demo's tables and passes them in (this module never imports the generator); run it
with::

    python -m dashboard crosscheck                    # every demo utterance, seed 7
    python -m dashboard crosscheck --sample 5000 --examples 5

It scores per-label precision, recall and F1, macro-F1, the confusion matrix, the largest
confusions with example sentences and the words that decided them, and what the relabelling does to
two figures users read on the dashboard: each team's customer-talk share and the share of its deal
reviews that ask a customer-impact question.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from metrics.talk.classifier import LABELS, TalkClassifier, default_classifier
from metrics.talk.evaluation import Evaluation, evaluate


@dataclass(frozen=True, slots=True)
class PlantedUtterance:
    """One planted utterance (of the demo), with the meeting facts the dashboard groups by."""

    label: str
    text: str
    is_question: bool
    team: str
    meeting_kind: str
    meeting_id: int


@dataclass(frozen=True)
class CrossCheck:
    """The classifier's agreement with planted labels, and where it disagrees.

    ``confusion[(gold, predicted)]`` counts utterances; ``examples`` keeps, per off-diagonal cell, the
    sentences in order of first appearance, and ``evidence`` the words the classifier showed for them.
    """

    evaluation: Evaluation
    confusion: dict[tuple[str, str], int]
    examples: dict[tuple[str, str], list[str]] = field(repr=False)
    evidence: dict[tuple[str, str], Counter] = field(repr=False)

    def top_confusions(self, limit: int = 6) -> list[tuple[tuple[str, str], int]]:
        """Off-diagonal cells, largest first."""
        cells = [(cell, n) for cell, n in self.confusion.items() if cell[0] != cell[1] and n]
        return sorted(cells, key=lambda item: (-item[1], item[0]))[:limit]

    def matrix_table(self) -> str:
        """The confusion matrix as fixed-width text: rows are planted labels, columns predicted."""
        width = max(len(label) for label in LABELS) + 2
        lines = ["planted \\ predicted".ljust(20) + "".join(label.rjust(width) for label in LABELS)]
        for gold in LABELS:
            cells = "".join(str(self.confusion.get((gold, p), 0)).rjust(width) for p in LABELS)
            lines.append(gold.ljust(20) + cells)
        return "\n".join(lines)


def planted_utterances(
    tables: Mapping[str, Sequence[Mapping]], *, sample: int | None = None, sample_seed: int = 1
) -> list[PlantedUtterance]:
    """The utterances of generated tables (``teams``, ``meetings`` and ``utterances`` rows, as the
    demo generator builds them) with their planted labels.

    With ``sample``, a reproducible simple random sample of that many utterances (all when fewer).
    """
    team_names = {row["id"]: row["name"] for row in tables["teams"]}
    meetings = {row["id"]: (team_names.get(row["team_id"], ""), row["kind"]) for row in tables["meetings"]}
    rows = list(tables["utterances"])
    if sample is not None and sample < len(rows):
        rows = random.Random(sample_seed).sample(rows, sample)
    out = []
    for row in rows:
        team, kind = meetings[row["meeting_id"]]
        out.append(
            PlantedUtterance(row["label"], row["text"], bool(row["is_question"]), team, kind, row["meeting_id"])
        )
    return out


def cross_check(
    rows: Sequence[tuple[str, str]], classifier: TalkClassifier | None = None, *, keep_examples: int = 50
) -> CrossCheck:
    """Score ``classifier`` (the shipped one by default) on ``(planted label, text)`` rows."""
    model = classifier or default_classifier()
    gold: list[str] = []
    predicted: list[str] = []
    confusion: Counter = Counter()
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    evidence: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for label, text in rows:
        result = model.classify(text)
        gold.append(label)
        predicted.append(result.label)
        cell = (label, result.label)
        confusion[cell] += 1
        if label != result.label:
            evidence[cell].update(result.evidence)
            if len(examples[cell]) < keep_examples and text not in examples[cell]:
                examples[cell].append(text)
    return CrossCheck(evaluate(gold, predicted), dict(confusion), dict(examples), dict(evidence))


@dataclass(frozen=True)
class TeamFigures:
    """Two dashboard figures for one team, from planted and from classified labels."""

    team: str
    planted_customer_share: float | None
    classified_customer_share: float | None
    planted_reviews_asking: float | None
    classified_reviews_asking: float | None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def team_figures(
    utterances: Sequence[PlantedUtterance], classifier: TalkClassifier | None = None
) -> list[TeamFigures]:
    """Per team: customer-talk share (customer_impact / (customer_impact + revenue)) and the share of
    deal reviews with at least one customer-impact question, planted against classified.

    Both figures are the dashboard's symptoms 1 and 2, computed here in memory because the demo rows
    are generated, not stored.
    """
    model = classifier or default_classifier()
    counts: dict[str, Counter] = defaultdict(Counter)
    reviews: dict[str, set[int]] = defaultdict(set)
    asked_planted: dict[str, set[int]] = defaultdict(set)
    asked_classified: dict[str, set[int]] = defaultdict(set)
    for u in utterances:
        result = model.classify(u.text)
        counts[u.team]["planted " + u.label] += 1
        counts[u.team]["classified " + result.label] += 1
        if u.meeting_kind == "deal_review":
            reviews[u.team].add(u.meeting_id)
            if u.label == "customer_impact" and u.is_question:
                asked_planted[u.team].add(u.meeting_id)
            if result.label == "customer_impact" and result.is_question:
                asked_classified[u.team].add(u.meeting_id)
    figures = []
    for team in sorted(counts):
        c = counts[team]
        figures.append(
            TeamFigures(
                team,
                _share(c["planted customer_impact"], c["planted customer_impact"] + c["planted revenue"]),
                _share(
                    c["classified customer_impact"], c["classified customer_impact"] + c["classified revenue"]
                ),
                _share(len(asked_planted[team]), len(reviews[team])),
                _share(len(asked_classified[team]), len(reviews[team])),
            )
        )
    return figures
