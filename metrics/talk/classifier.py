"""The talk classifier: one label per utterance, with a confidence, the evidence and a question flag.

Labels (see docs/labelling-guide.md):

- ``revenue``: our numbers: quota, forecast, pipeline, bookings, closing, price, discount, deal size,
  commission, timing of our revenue;
- ``customer_impact``: the customer's goals, problems and outcomes, their people and their customers,
  what changes for them, whether we can really help them;
- ``other``: logistics, greetings, process.

The model is a linear one over stemmed words, word pairs and lexicon categories
(:mod:`metrics.talk.features`): per-feature weights plus a bias per label, fitted by
:mod:`metrics.talk.training` (naive Bayes ships today; logistic regression runs the same way) and
shipped as ``metrics/talk/model.json``. Classifying is a few dictionary look-ups per word in plain Python, so the
``classify`` command starts fast and labels tens of thousands of utterances a second.
docs/talk-classifier.md compares it with the alternatives that were measured.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from metrics.talk.features import Lexicon, extract, stem
from metrics.talk.nsp import NspMatcher

MODEL_PATH = Path(__file__).resolve().parent / "model.json"
LABELS = ("revenue", "customer_impact", "other")
# A feature whose weight favours the chosen label over the runner-up by less than this is not shown as
# evidence: it did not decide anything.
EVIDENCE_MARGIN = 0.15
MAX_EVIDENCE = 3

# Words that carry no meaning on their own: never shown alone as evidence, even when the model leans on them.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "but",
        "that",
        "this",
        "it",
        "its",
        "from",
        "with",
        "by",
        "as",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "will",
        "should",
        "how",
        "what",
        "when",
        "where",
        "who",
        "which",
        "why",
        "so",
        "then",
        "there",
        "here",
        "i",
        "we",
        "you",
        "me",
        "us",
        "them",
        "they",
        "he",
        "she",
        "him",
        "her",
        "his",
        "if",
        "not",
        "no",
    ]
)
_SENTENCE_SPLIT = re.compile(r"[.!;:]+\s+")
_WH_WORDS = frozenset(["what", "how", "why", "when", "where", "who", "whom", "which", "whose"])
_AUX_WORDS = frozenset(
    [
        "can",
        "could",
        "would",
        "will",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "should",
        "shall",
        "have",
        "has",
        "may",
        "might",
        "isn't",
        "aren't",
        "don't",
        "doesn't",
        "didn't",
        "won't",
        "wouldn't",
        "can't",
        "couldn't",
        "shouldn't",
        "haven't",
        "hasn't",
    ]
)
_SUBJECTS = frozenset(
    [
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "it",
        "there",
        "this",
        "that",
        "these",
        "those",
        "our",
        "their",
        "your",
        "my",
        "anyone",
        "anybody",
        "someone",
        "everyone",
        "somebody",
        "the",
        "a",
        "an",
    ]
)
_DEMONSTRATIVES = frozenset(("this", "that", "these", "those"))
_FIRST_WORDS = re.compile(r"[a-z']+")


@dataclass(frozen=True, slots=True)
class TalkLabel:
    """What the classifier says about one utterance."""

    label: str
    confidence: float
    evidence: tuple[str, ...]
    is_question: bool
    nsp_mention: bool

    def as_dict(self, text: str) -> dict:
        return {
            "text": text,
            "label": self.label,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
            "is_question": self.is_question,
            "nsp_mention": self.nsp_mention,
        }


def is_question(text: str) -> bool:
    """True when ``text`` asks something: a question mark, or a sentence opening like a question.

    Transcripts often lose their punctuation, so "what are they trying to achieve" counts too; an
    auxiliary verb counts only when a subject follows it ("do we know", not "do that now"). Punctuated
    text is taken at its word: ending in "." or "!" with no "?" is a statement, which keeps "What
    they really care about is cash." out of the customer questions a deal review is counted on.
    """
    if "?" in text:
        return True
    if text.rstrip().endswith((".", "!")):
        return False
    for sentence in _SENTENCE_SPLIT.split(text.lower()):
        words = _FIRST_WORDS.findall(sentence[:60])
        # Spoken fillers ("so", "and", "um") often come before the question word.
        while words and words[0] in ("so", "and", "but", "um", "uh", "okay", "ok", "well", "then"):
            words = words[1:]
        if len(words) < 3:
            continue
        first = words[0]
        if first in _WH_WORDS and words[1] not in ("i", "we", "you"):
            return True
        # "Do that now" is an order, "is that right" a question.
        if (
            first in _AUX_WORDS
            and words[1] in _SUBJECTS
            and not (first == "do" and words[1] in _DEMONSTRATIVES)
        ):
            return True
    return False


class TalkClassifier:
    """A fitted model: per-feature weights for each label plus a bias, and the version that made them.

    Parameters
    ----------
    weights
        ``{feature: (w_revenue, w_customer_impact, w_other)}``.
    bias
        One intercept per label.
    version
        Stored with every label in ``utterances.classifier_version``; a new model means a new version,
        and ``reclassify`` relabels whatever an older version labelled.
    """

    __slots__ = ("weights", "bias", "version", "method", "lexicon", "hidden")

    def __init__(
        self, weights: dict[str, tuple[float, float, float]], bias, version: str, method: str = ""
    ) -> None:
        self.weights = weights
        self.bias = (float(bias[0]), float(bias[1]), float(bias[2]))
        self.version = version
        self.method = method
        self.lexicon = Lexicon()
        # Word features made only of function words ("the", "<s>|what") count in the score but are
        # never evidence; deciding that once here keeps it off the per-utterance path.
        function_stems = {stem(w) for w in _FUNCTION_WORDS} | {"<s>", "</s>"}
        self.hidden = frozenset(
            f for f in weights if not f.startswith("@") and all(p in function_stems for p in f.split("|"))
        )

    @classmethod
    def from_file(cls, path: Path = MODEL_PATH) -> TalkClassifier:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["labels"]) != LABELS:
            raise ValueError(f"{path} was fitted for labels {data['labels']}, expected {list(LABELS)}.")
        weights = {f: (w[0], w[1], w[2]) for f, w in data["weights"].items()}
        return cls(weights, data["bias"], data["version"], data.get("method", ""))

    def scores(self, text: str) -> tuple[list[float], list[tuple[str, tuple[float, float, float]]]]:
        """Raw per-label scores, and the weighted features that produced them and may be shown as
        evidence (those with at least one word that is not a function word)."""
        s0, s1, s2 = self.bias
        used = []
        get = self.weights.get
        hidden = self.hidden
        for feature, surface in extract(text, self.lexicon):
            w = get(feature)
            if w is not None:
                s0 += w[0]
                s1 += w[1]
                s2 += w[2]
                if feature in hidden:
                    continue
                if feature[0] == "@" and all(word in _FUNCTION_WORDS for word in surface.split()):
                    continue
                used.append((surface, w))
        return [s0, s1, s2], used

    def classify(self, text: str, nsp: NspMatcher | None = None) -> TalkLabel:
        """Label one utterance.

        The confidence is the model's probability of the chosen label. The evidence lists the words
        that pushed the chosen label ahead of the runner-up, strongest first. A ``revenue`` or
        ``customer_impact`` label always has evidence: when no word supports it, the utterance is
        labelled ``other``.
        """
        scores, used = self.scores(text)
        best = 0 if scores[0] >= scores[1] else 1
        if scores[2] > scores[best]:
            best = 2
        runner = max((i for i in range(3) if i != best), key=scores.__getitem__)
        top = scores[best]
        total = math.exp(scores[0] - top) + math.exp(scores[1] - top) + math.exp(scores[2] - top)
        evidence = _evidence(used, best, runner)
        if best != 2 and not evidence:
            best, runner = 2, best
            top = scores[2]
            total = math.exp(scores[0] - top) + math.exp(scores[1] - top) + 1.0
            evidence = _evidence(used, best, runner)
        return TalkLabel(
            LABELS[best],
            round(1.0 / total, 3),
            evidence,
            is_question(text),
            nsp.matches(text) if nsp is not None else False,
        )


def _evidence(used, best: int, runner: int) -> tuple[str, ...]:
    strongest: dict[str, float] = {}
    for surface, w in used:
        margin = w[best] - w[runner]
        if margin <= EVIDENCE_MARGIN:
            continue
        if margin > strongest.get(surface, 0.0):
            strongest[surface] = margin
    chosen: list[str] = []
    for surface in sorted(strongest, key=strongest.__getitem__, reverse=True):
        # A word already shown inside a stronger phrase (or the other way round) adds nothing.
        if any(surface in c or c in surface for c in chosen):
            continue
        chosen.append(surface)
        if len(chosen) == MAX_EVIDENCE:
            break
    return tuple(chosen)


@lru_cache(maxsize=1)
def default_classifier() -> TalkClassifier:
    """The shipped model, read once per process (it is immutable once loaded)."""
    return TalkClassifier.from_file()
