"""The cross-author check: the talk classifier against the demo organisation's planted labels.

The demo's meeting language (:mod:`data_access.demo.language`) was written by a different author,
for a different purpose, with a label planted on every sentence. None of it is ever used to fit the
classifier, which makes it a fair test of wording the corpus did not anticipate. Run by hand::

    python -m metrics.talk.crosscheck                 # every demo utterance, seed 7
    python -m metrics.talk.crosscheck --sample 5000 --examples 5

It prints per-label precision, recall and F1, macro-F1, the confusion matrix, the largest
confusions with example sentences and the words that decided them, and what the relabelling does to
two figures users read on the dashboard: each team's customer-talk share and the share of its deal
reviews that ask a customer-impact question.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from metrics.talk.classifier import LABELS, TalkClassifier, default_classifier
from metrics.talk.evaluation import Evaluation, evaluate

# The demo the app loads on first run is seed 7; any fixed end date gives two years of meetings.
DEMO_SEED = 7
DEMO_END = dt.date(2026, 4, 30)


@dataclass(frozen=True, slots=True)
class DemoUtterance:
    """One planted utterance of the demo, with the meeting facts the dashboard groups by."""

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


def demo_utterances(
    seed: int = DEMO_SEED, end: dt.date = DEMO_END, *, sample: int | None = None, sample_seed: int = 1
) -> list[DemoUtterance]:
    """The demo's utterances with their planted labels, generated in memory (nothing is written).

    With ``sample``, a reproducible simple random sample of that many utterances (all when fewer).
    """
    from data_access.demo import build_demo

    tables = build_demo(seed, end)
    team_names = {row["id"]: row["name"] for row in tables["teams"]}
    meetings = {row["id"]: (team_names.get(row["team_id"], ""), row["kind"]) for row in tables["meetings"]}
    rows = tables["utterances"]
    if sample is not None and sample < len(rows):
        rows = random.Random(sample_seed).sample(rows, sample)
    out = []
    for row in rows:
        team, kind = meetings[row["meeting_id"]]
        out.append(
            DemoUtterance(row["label"], row["text"], bool(row["is_question"]), team, kind, row["meeting_id"])
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
    utterances: Sequence[DemoUtterance], classifier: TalkClassifier | None = None
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


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="demo seed (default %(default)s)")
    parser.add_argument(
        "--end", type=dt.date.fromisoformat, default=DEMO_END, help="demo end date (default %(default)s)"
    )
    parser.add_argument("--sample", type=int, default=None, help="score a random sample of this many")
    parser.add_argument("--examples", type=int, default=4, help="example sentences per confusion")
    parser.add_argument("--confusions", type=int, default=6, help="how many confusions to show")
    parser.add_argument(
        "--model", type=Path, default=None, help="a model.json to check instead of the shipped one"
    )
    args = parser.parse_args(argv)
    utterances = demo_utterances(args.seed, args.end, sample=args.sample)
    model = TalkClassifier.from_file(args.model) if args.model else default_classifier()
    check = cross_check([(u.label, u.text) for u in utterances], model)
    print(f"classifier {model.version} against the demo's planted labels (seed {args.seed}, end {args.end})")
    print(check.evaluation.table())
    print()
    print(check.matrix_table())
    for (gold, predicted), n in check.top_confusions(args.confusions):
        words = ", ".join(f"{w} ({k})" for w, k in check.evidence[(gold, predicted)].most_common(6))
        print(f"\nplanted {gold}, labelled {predicted}: {n} utterances; deciding words: {words or 'none'}")
        for text in check.examples[(gold, predicted)][: args.examples]:
            print(f"  {text}")
    if args.sample is None:
        print(
            "\nteam         customer share (planted -> classified)   deal reviews asking (planted -> classified)"
        )
        for f in team_figures(utterances, model):
            print(
                f"{f.team:<12} {_fmt(f.planted_customer_share):>14} -> {_fmt(f.classified_customer_share):<24}"
                f"{_fmt(f.planted_reviews_asking):>14} -> {_fmt(f.classified_reviews_asking)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
