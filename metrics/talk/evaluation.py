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
