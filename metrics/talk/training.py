"""Fitting and comparing talk classifiers; writes the chosen model to ``metrics/talk/model.json``.

Run by hand after changing the corpus, the lexicon or the features::

    python -m metrics.talk.training            # compare the methods, write model.json
    python -m metrics.talk.training --compare  # compare only

Every method is expressed as the same thing, per-feature weights plus a bias per label, so the one
runtime in :mod:`metrics.talk.classifier` serves them all and the comparison measures exactly what
would ship. Model selection uses 5-fold cross-validation on the training split only; the held-out
split (``corpus/test.tsv``) and the seed sentences are scored once per method, for the report.
Needs numpy (fitting only; classifying does not).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from metrics.talk.classifier import LABELS, MODEL_PATH, TalkClassifier
from metrics.talk.evaluation import (
    SEEDS_PATH,
    TEST_PATH,
    TRAIN_PATH,
    Evaluation,
    evaluate_rows,
    read_labelled,
)
from metrics.talk.features import FEATURE_SCHEME, Lexicon, extract

Rows = Sequence[tuple[str, str]]
Weights = dict[str, tuple[float, float, float]]
# Drop weights this small from the shipped model: they never change a decision and only slow loading.
PRUNE_BELOW = 1e-3


def _features(rows: Rows, lexicon: Lexicon, keep: Callable[[str], bool]) -> list[list[str]]:
    return [[f for f, _ in extract(text, lexicon) if keep(f)] for _, text in rows]


def _words_only(feature: str) -> bool:
    return not feature.startswith("@")


def _everything(_feature: str) -> bool:
    return True


def fit_lexicon(_rows: Rows, _lexicon: Lexicon) -> tuple[Weights, list[float]]:
    """The rules baseline: one vote per lexicon hit, a possessive owner counting double; no words learnt."""
    weights: Weights = {
        "@rev": (1.0, 0.0, 0.0),
        "@ci": (0.0, 1.0, 0.0),
        "@other": (0.0, 0.0, 1.0),
        "@our_ambiguous": (2.0, 0.0, 0.0),
        "@we_ambiguous": (1.0, 0.0, 0.0),
        "@their_ambiguous": (0.0, 2.0, 0.0),
        "@they_ambiguous": (0.0, 1.0, 0.0),
    }
    return weights, [0.0, 0.0, 0.5]


def fit_naive_bayes(
    rows: Rows, lexicon: Lexicon, keep: Callable[[str], bool] = _words_only, alpha: float = 0.5
) -> tuple[Weights, list[float]]:
    """Multinomial naive Bayes with additive smoothing: weights are log P(feature | label)."""
    import math

    feats = _features(rows, lexicon, keep)
    counts = [Counter() for _ in LABELS]
    docs = Counter(label for label, _ in rows)
    for (label, _), fs in zip(rows, feats, strict=True):
        counts[LABELS.index(label)].update(fs)
    vocab = set().union(*counts)
    totals = [sum(c.values()) + alpha * len(vocab) for c in counts]
    weights = {
        f: tuple(math.log((counts[i][f] + alpha) / totals[i]) for i in range(3))  # type: ignore[misc]
        for f in vocab
    }
    bias = [math.log(docs[label] / len(rows)) for label in LABELS]
    return weights, bias


def fit_logistic(
    rows: Rows,
    lexicon: Lexicon,
    keep: Callable[[str], bool] = _everything,
    l2: float = 1e-3,
    epochs: int = 400,
    rate: float = 0.5,
) -> tuple[Weights, list[float]]:
    """Multinomial logistic regression, full-batch gradient descent with L2, on binary features."""
    import numpy as np

    feats = _features(rows, lexicon, keep)
    vocab = sorted(set().union(*map(set, feats)))
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(rows), len(vocab)))
    for r, fs in enumerate(feats):
        for f in fs:
            x[r, index[f]] = 1.0
    y = np.zeros((len(rows), 3))
    for r, (label, _) in enumerate(rows):
        y[r, LABELS.index(label)] = 1.0
    w = np.zeros((len(vocab), 3))
    b = np.zeros(3)
    velocity_w = np.zeros_like(w)
    velocity_b = np.zeros_like(b)
    n = len(rows)
    for _ in range(epochs):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = p - y
        gw = x.T @ grad / n + l2 * w
        gb = grad.mean(axis=0)
        velocity_w = 0.9 * velocity_w - rate * gw
        velocity_b = 0.9 * velocity_b - rate * gb
        w += velocity_w
        b += velocity_b
    weights = {
        f: (float(w[i, 0]), float(w[i, 1]), float(w[i, 2]))
        for f, i in index.items()
        if np.abs(w[i]).max() >= PRUNE_BELOW
    }
    return weights, [float(v) for v in b]


METHODS: dict[str, Callable[[Rows, Lexicon], tuple[Weights, list[float]]]] = {
    "lexicon rules": fit_lexicon,
    "naive Bayes, words": lambda rows, lex: fit_naive_bayes(rows, lex, _words_only),
    "naive Bayes, words + lexicon": lambda rows, lex: fit_naive_bayes(rows, lex, _everything),
    "logistic regression, words": lambda rows, lex: fit_logistic(rows, lex, _words_only),
    "logistic regression, words + lexicon": lambda rows, lex: fit_logistic(rows, lex, _everything),
}
CHOSEN = "naive Bayes, words + lexicon"


def _classifier(weights: Weights, bias: list[float], method: str) -> TalkClassifier:
    return TalkClassifier(weights, bias, version="candidate", method=method)


def cross_validate(rows: Rows, fit, lexicon: Lexicon, folds: int = 5, seed: int = 13) -> float:
    """Mean macro-F1 over ``folds`` stratified-by-shuffle folds of the training split."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    scores = []
    for k in range(folds):
        held = set(order[k::folds])
        train = [rows[i] for i in range(len(rows)) if i not in held]
        test = [rows[i] for i in sorted(held)]
        model = _classifier(*fit(train, lexicon), method="cv")
        scores.append(evaluate_rows(test, lambda t, m=model: m.classify(t).label).macro_f1)
    return sum(scores) / len(scores)


def compare(train: Rows, test: Rows, seeds: Rows) -> list[tuple[str, float, Evaluation, Evaluation]]:
    """Each method's cross-validated macro-F1 on training, and its scores on the test split and seeds."""
    lexicon = Lexicon()
    results = []
    for name, fit in METHODS.items():
        cv = cross_validate(train, fit, lexicon)
        model = _classifier(*fit(train, lexicon), method=name)
        on_test = evaluate_rows(test, lambda t, m=model: m.classify(t).label)
        on_seeds = evaluate_rows(seeds, lambda t, m=model: m.classify(t).label)
        results.append((name, cv, on_test, on_seeds))
    return results


def model_document(weights: Weights, bias: list[float], method: str, train: Rows) -> dict:
    """The JSON written to model.json; its version is a hash of what it decides with.

    The feature scheme is part of the hash: the same weights over differently extracted features are
    a different classifier, and ``reclassify`` must relabel what the old one labelled.
    """
    rounded = {f: [round(v, 4) for v in w] for f, w in sorted(weights.items())}
    body = json.dumps(
        {"bias": [round(v, 4) for v in bias], "weights": rounded, "feature_scheme": FEATURE_SCHEME},
        sort_keys=True,
    )
    digest = hashlib.sha256(body.encode()).hexdigest()[:10]
    return {
        "version": f"talk-{'nb' if method.startswith('naive Bayes') else 'lr'}-{digest}",
        "method": method,
        "feature_scheme": FEATURE_SCHEME,
        "trained_on": f"{TRAIN_PATH.name} ({len(train)} utterances)",
        "labels": list(LABELS),
        "bias": [round(v, 4) for v in bias],
        "weights": rounded,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compare", action="store_true", help="compare the methods without writing model.json"
    )
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    train = read_labelled(TRAIN_PATH)
    test = read_labelled(TEST_PATH)
    seeds = read_labelled(SEEDS_PATH)
    print(f"{'method':<38} {'cv macro-F1':>11} {'test macro-F1':>13} {'seeds accuracy':>14}")
    for name, cv, on_test, on_seeds in compare(train, test, seeds):
        print(f"{name:<38} {cv:>11.3f} {on_test.macro_f1:>13.3f} {on_seeds.accuracy:>14.3f}")
    if not args.compare:
        weights, bias = METHODS[CHOSEN](train, Lexicon())
        document = model_document(weights, bias, CHOSEN, train)
        args.output.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.output} ({len(weights)} features, version {document['version']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
