"""Reading labelled utterances and scoring a classifier on them (precision, recall, F1, macro-F1).

Plain Python on purpose: ``python -m dashboard classify --evaluate`` runs it, and it must start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

LABELS = ("revenue", "customer_impact", "other")
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
TRAIN_PATH = CORPUS_DIR / "train.tsv"
TEST_PATH = CORPUS_DIR / "test.tsv"
SEEDS_PATH = CORPUS_DIR / "seeds.tsv"


class CorpusError(ValueError):
    """A labelled file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    """Per-label scores, macro-F1 (the unweighted mean of the per-label F1 over the labels present) and accuracy."""

    per_label: tuple[LabelScore, ...]
    macro_f1: float
    accuracy: float
    n: int

    def table(self) -> str:
        """A fixed-width table a person can read in a terminal."""
        lines = [f"{'label':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'n':>5}"]
        for s in self.per_label:
            lines.append(f"{s.label:<16} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>5}")
        lines.append(f"{'macro-F1':<16} {self.macro_f1:>31.3f}")
        lines.append(f"{'accuracy':<16} {self.accuracy:>31.3f} {self.n:>5}")
        return "\n".join(lines)


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """``(label, text)`` rows of a ``label<TAB>text`` file; blank lines and ``#`` comments are skipped.

    Raises
    ------
    CorpusError
        When the file is missing, or a line has no tab or an unknown label.
    """
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file.") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    rows = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, text = line.partition("\t")
        label = label.strip()
        if not sep or not text.strip():
            raise CorpusError(f"{path}, line {number}: expected label<TAB>text.")
        if label not in LABELS:
            raise CorpusError(
                f"{path}, line {number}: unknown label {label!r} (use one of {', '.join(LABELS)})."
            )
        rows.append((label, text.strip()))
    return rows


def evaluate(gold: Sequence[str], predicted: Sequence[str]) -> Evaluation:
    """Score predictions against gold labels, label by label."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")
    scores = []
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(LabelScore(label, precision, recall, f1, tp + fn))
    n = len(gold)
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / n if n else 0.0
    # Like scikit-learn, average over the labels that occur in the gold or the predicted labels: a
    # file with no "other" rows (the seed sentences) is not marked down for a label it never tests.
    present = [s for s in scores if s.support or s.label in predicted]
    macro = sum(s.f1 for s in present) / len(present) if present else 0.0
    return Evaluation(tuple(scores), macro, accuracy, n)


def evaluate_rows(rows: Iterable[tuple[str, str]], predict: Callable[[str], str]) -> Evaluation:
    gold, predicted = [], []
    for label, text in rows:
        gold.append(label)
        predicted.append(predict(text))
    return evaluate(gold, predicted)


@dataclass(frozen=True)
class RealReport:
    """Scores on one collection of real talk: the figures docs/talk-classifier.md reports per source."""

    evaluation: Evaluation
    # Of the utterances labelled other by hand, the share the classifier labelled revenue or
    # customer impact: what inflates a meeting's "purpose talk" when nothing of the kind was said.
    other_called_purpose: float
    meetings: int

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the labels that occur in the hand labels of this collection (a research meeting
        with no revenue talk is judged on what it holds; a false revenue label still costs through the
        precision of the labels that do occur, and through :attr:`other_called_purpose`)."""
        present = [s.f1 for s in self.evaluation.per_label if s.support]
        return sum(present) / len(present) if present else 0.0

    def summary(self) -> str:
        s = {x.label: x for x in self.evaluation.per_label}
        return (
            f"n {self.evaluation.n:>4} macro-F1 {self.macro_f1:.3f} | "
            f"rev P {s['revenue'].precision:.2f} R {s['revenue'].recall:.2f} F1 {s['revenue'].f1:.2f} | "
            f"ci P {s['customer_impact'].precision:.2f} R {s['customer_impact'].recall:.2f} | "
            f"other P {s['other'].precision:.2f} R {s['other'].recall:.2f} | "
            f"other called purpose {self.other_called_purpose:.1%}"
        )


def real_report(rows, predicted: Iterable[str]) -> dict[str, RealReport]:
    """Per collection (ami, icsi, earnings_calls, podcasts) and ``all``: scores of ``predicted``
    against the hand labels of ``rows`` (objects with ``label``, ``corpus`` and ``source``)."""
    rows = list(rows)
    predicted = list(predicted)
    groups: dict[str, list[int]] = {"all": list(range(len(rows)))}
    for i, r in enumerate(rows):
        groups.setdefault(r.corpus, []).append(i)
    out = {}
    for name in sorted(groups, key=lambda g: (g == "all", g)):
        pick = groups[name]
        gold = [rows[i].label for i in pick]
        pred = [predicted[i] for i in pick]
        others = [p for g, p in zip(gold, pred, strict=True) if g == "other"]
        called = sum(1 for p in others if p != "other") / len(others) if others else 0.0
        out[name] = RealReport(evaluate(gold, pred), called, len({rows[i].source for i in pick}))
    return out


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    n: int
    mean_confidence: float
    accuracy: float


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], edges=(0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)
):
    """Reliability table and expected calibration error: in each confidence band, how often the label
    given was right, and the n-weighted mean gap between confidence and accuracy."""
    bins = []
    gap = 0.0
    for low, high in zip(edges, edges[1:], strict=False):
        pick = [i for i, c in enumerate(confidences) if low <= c < high]
        if not pick:
            continue
        mean_c = sum(confidences[i] for i in pick) / len(pick)
        acc = sum(1 for i in pick if correct[i]) / len(pick)
        bins.append(ReliabilityBin(low, min(high, 1.0), len(pick), mean_c, acc))
        gap += len(pick) * abs(mean_c - acc)
    ece = gap / len(confidences) if confidences else 0.0
    return bins, ece
