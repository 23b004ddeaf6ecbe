"""The talk classifier: one label per utterance, with a confidence, the evidence and a question flag.

Labels (see docs/labelling-guide.md):

- ``revenue``: our numbers: quota, forecast, pipeline, bookings, closing, price, discount, deal size,
  commission, our results and the timing of our revenue;
- ``customer_impact``: the customer's goals, problems and outcomes, their people and their customers,
  what changes for them, whether we can really help them;
- ``other``: everything else: logistics, greetings, process, technical talk, fillers and fragments.

The model is a multinomial logistic regression (fitted by :mod:`metrics.talk.training` on hand-labelled
real talk plus written sentences) over Snowball stems, stem pairs, character n-grams, lexicon
categories and GloVe word vectors (:mod:`metrics.talk.features`). It ships as weights in
``metrics/talk/model.json``: one triple per feature and one per GloVe word, so classifying is a few
dictionary look-ups per word in plain Python, remembered per distinct word.

It abstains rather than guesses: an utterance without content words ("Yes ,", "this one .") is
``other``, and so is a revenue or customer-impact decision whose probability is below the fitted
threshold. The confidence is the temperature-calibrated probability of the label given (see the
reliability table in docs/talk-classifier.md).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from metrics.talk.features import (
    LENGTH_BUCKETS,
    LONG_BUCKET,
    Lexicon,
    is_content,
    is_number,
    meta_features,
    token_features,
    words,
)
from metrics.talk.lexicon import word_set
from metrics.talk.nsp import NspMatcher

MODEL_PATH = Path(__file__).resolve().parent / "model.json"
LABELS = ("revenue", "customer_impact", "other")
# A feature whose weight favours the chosen label over the runner-up by less than this is not shown as
# evidence: it did not decide anything.
EVIDENCE_MARGIN = 0.05
MAX_EVIDENCE = 3
# Distinct words whose weights are remembered; bounded so an endless stream of new words cannot grow it.
_TOKEN_MEMORY = 200_000
_META_FEATURES = (
    *(name for _, name in LENGTH_BUCKETS),
    LONG_BUCKET,
    "@content:1",
    "@content:2",
    "@content:3+",
    "@question",
)

# Words that carry no meaning on their own: never shown alone as evidence, even when the model leans on them.
_FUNCTION_WORDS = word_set("stopwords", "not_evidence")
_SENTENCE_SPLIT = re.compile(r"[.!;:]+\s+")
# How a sentence that lost its question mark still opens like a question (lexicon/questions.toml).
_FILLERS = word_set("questions", "fillers")
_WH_WORDS = word_set("questions", "question_words")
_AUX_WORDS = word_set("questions", "auxiliaries")
_SUBJECTS = word_set("questions", "subjects")
_DEMONSTRATIVES = word_set("questions", "demonstratives")
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
        while words and words[0] in _FILLERS:
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
    """A fitted model: per-feature weights for each label, GloVe word weights, a bias, the calibration
    temperature and the abstention thresholds, and the version that made them.

    ``weights`` is ``{feature: (w_revenue, w_customer_impact, w_other)}``; the shipped model is read
    from the document :mod:`metrics.talk.training` writes (``from_file``). The version is stored
    with every label in ``utterances.classifier_version``; a new model means a new version, and
    ``reclassify`` relabels whatever an older version labelled.
    """

    __slots__ = (
        "weights",
        "glove",
        "bias",
        "version",
        "method",
        "temperature",
        "abstain_below",
        "empty_confidence",
        "min_words",
        "lexicon",
        "_tokens",
        "_meta",
    )

    def __init__(
        self,
        weights: dict,
        bias,
        version: str,
        method: str = "",
        *,
        glove: dict | None = None,
        temperature: float = 1.0,
        abstain_below=(0.0, 0.0),
        empty_confidence: float = 1.0,
        min_words: int = 2,
    ) -> None:
        self.weights = {f: (float(w[0]), float(w[1]), float(w[2])) for f, w in weights.items()}
        self.glove = {f: (float(w[0]), float(w[1]), float(w[2])) for f, w in (glove or {}).items()}
        self.bias = (float(bias[0]), float(bias[1]), float(bias[2]))
        self.version = version
        self.method = method
        self.temperature = float(temperature)
        if isinstance(abstain_below, int | float):
            abstain_below = (abstain_below, abstain_below)
        # The least probability a revenue and a customer-impact label need; below it, other.
        self.abstain_below = (float(abstain_below[0]), float(abstain_below[1]), 0.0)
        self.empty_confidence = float(empty_confidence)
        self.min_words = int(min_words)
        self.lexicon = Lexicon()
        # word -> what one word brings (weights summed over its token features, stem, content word?,
        # GloVe triple, shown as evidence?, lexicon phrase endings, owner side, ambiguous?), worked
        # out at its first sighting.
        self._tokens: dict[str, tuple] = {}
        zero = (0.0, 0.0, 0.0)
        self._meta = {f: self.weights.get(f, zero) for f in _META_FEATURES}

    @classmethod
    def from_document(cls, document: dict) -> TalkClassifier:
        """The classifier a ``model.json`` document describes (see :mod:`metrics.talk.training`)."""
        if tuple(document["labels"]) != LABELS:
            raise ValueError(
                f"the model was fitted for labels {document['labels']}, expected {list(LABELS)}."
            )
        return cls(
            document["weights"],
            document["bias"],
            document["version"],
            document.get("method", ""),
            glove=document.get("glove"),
            temperature=document.get("temperature", 1.0),
            abstain_below=document.get("abstain_below", (0.0, 0.0)),
            empty_confidence=document.get("empty_confidence", 1.0),
            min_words=document.get("min_words", 2),
        )

    @classmethod
    def from_file(cls, path: Path = MODEL_PATH) -> TalkClassifier:
        return cls.from_document(json.loads(path.read_text(encoding="utf-8")))

    def _token(self, token: str) -> tuple:
        get = self.weights.get
        w0 = w1 = w2 = 0.0
        for f in token_features(token, self.lexicon):
            w = get(f)
            if w is not None:
                w0 += w[0]
                w1 += w[1]
                w2 += w[2]
        number = is_number(token)
        lexicon = self.lexicon
        s = "#num" if number else lexicon.stem(token)
        entry = (
            w0,
            w1,
            w2,
            s,
            is_content(token),
            None if number else self.glove.get(token),
            # May the word be shown as evidence on its own (not a function word or a number)?
            token.isalpha() and token not in _FUNCTION_WORDS,
            lexicon.endings.get(s),
            lexicon.side.get(s),
            s in lexicon.ambiguous,
        )
        if len(self._tokens) >= _TOKEN_MEMORY:
            self._tokens.clear()
        self._tokens[token] = entry
        return entry

    def _score(self, text: str):
        """Scores (before temperature), content-word count, and what evidence is read from: the
        words, their cached entries, the sequence features that had weights, the word scale and the
        GloVe averaging factor. The sum is the one :func:`metrics.talk.features.sparse_features`
        defines, computed without building it (tests hold the two equal)."""
        surfaces = words(text)
        n = len(surfaces)
        s0, s1, s2 = self.bias
        hits: list[tuple[str, tuple, bool]] = []
        entries: list[tuple] = []
        n_content = 0
        scale = inv = 0.0
        if n:
            scale = 1.0 / math.sqrt(n)
            cache = self._tokens
            t0 = t1 = t2 = 0.0
            g0 = g1 = g2 = 0.0
            found = 0
            get = self.weights.get
            prev_s = "<s>"
            prev_w = ""
            prev_show = False
            side = ""
            for i, t in enumerate(surfaces):
                e = cache.get(t)
                if e is None:
                    e = self._token(t)
                entries.append(e)
                t0 += e[0]
                t1 += e[1]
                t2 += e[2]
                if e[4]:
                    n_content += 1
                g = e[5]
                if g is not None:
                    g0 += g[0]
                    g1 += g[1]
                    g2 += g[2]
                    found += 1
                st = e[3]
                w = get(prev_s + "|" + st)
                if w is not None:
                    t0 += w[0]
                    t1 += w[1]
                    t2 += w[2]
                    hits.append(((prev_w + " " + t) if prev_w else t, w, prev_show or e[6]))
                heads = e[7]
                if heads is not None:
                    for head, category in heads:
                        k = len(head)
                        if i >= k and tuple(x[3] for x in entries[i - k : i]) == head:
                            w = get(category)
                            if w is not None:
                                t0 += w[0]
                                t1 += w[1]
                                t2 += w[2]
                                hits.append((" ".join(surfaces[i - k : i + 1]), w, True))
                owner = e[8]
                if owner is not None:
                    side = owner
                elif side and e[9]:
                    w = get(side)
                    if w is not None:
                        t0 += w[0]
                        t1 += w[1]
                        t2 += w[2]
                        hits.append((t, w, e[6]))
                prev_s, prev_w, prev_show = st, t, e[6]
            w = get(prev_s + "|</s>")
            if w is not None:
                t0 += w[0]
                t1 += w[1]
                t2 += w[2]
                hits.append((prev_w, w, prev_show))
            s0 += t0 * scale
            s1 += t1 * scale
            s2 += t2 * scale
            if found:
                inv = 1.0 / found
                s0 += g0 * inv
                s1 += g1 * inv
                s2 += g2 * inv
        meta = self._meta
        for f in meta_features(text, n, n_content):
            w = meta[f]
            s0 += w[0]
            s1 += w[1]
            s2 += w[2]
        return [s0, s1, s2], n_content, (surfaces, entries, hits, scale, inv)

    def scores(self, text: str) -> tuple[list[float], int]:
        """Raw per-label scores (before temperature) and the number of content words."""
        scores, n_content, _ = self._score(text)
        return scores, n_content

    def probabilities(self, text: str) -> list[float]:
        """Calibrated probability of each label (revenue, customer_impact, other), before abstention."""
        scores, _, _ = self._score(text)
        return _softmax(scores, self.temperature)

    def classify(self, text: str, nsp: NspMatcher | None = None) -> TalkLabel:
        """Label one utterance.

        ``other`` when the utterance has no content words or is a single word, or when revenue or customer impact wins with
        a probability below the model's threshold; the confidence is the calibrated probability of the
        label given. The evidence lists the words that pushed the label ahead of the runner-up,
        strongest first; a revenue or customer-impact label always has some (else it is ``other``).
        """
        question = is_question(text)
        mention = nsp.matches(text) if nsp is not None else False
        scores, n_content, parts = self._score(text)
        if n_content == 0 or len(parts[0]) < self.min_words:
            # No content word, or a single word: nothing to decide on.
            return TalkLabel("other", self.empty_confidence, (), question, mention)
        p = _softmax(scores, self.temperature)
        best = 0 if p[0] >= p[1] else 1
        if p[2] >= p[best] or p[best] < self.abstain_below[best]:
            best = 2
        runner = max((i for i in range(3) if i != best), key=scores.__getitem__)
        evidence = _evidence(parts, best, runner)
        if best != 2 and not evidence:
            best = 2
            runner = 0 if scores[0] >= scores[1] else 1
            evidence = _evidence(parts, best, runner)
        return TalkLabel(LABELS[best], round(p[best], 3), evidence, question, mention)


def _softmax(scores, temperature: float) -> list[float]:
    top = max(scores)
    e0 = math.exp((scores[0] - top) / temperature)
    e1 = math.exp((scores[1] - top) / temperature)
    e2 = math.exp((scores[2] - top) / temperature)
    total = e0 + e1 + e2
    return [e0 / total, e1 / total, e2 / total]


def _evidence(parts, best: int, runner: int) -> tuple[str, ...]:
    """The words whose weights pushed label ``best`` ahead of ``runner`` most, strongest first."""
    surfaces, entries, hits, scale, inv = parts
    strongest: dict[str, float] = {}
    for t, e in zip(surfaces, entries, strict=True):
        if not e[6]:
            continue
        margin = (e[best] - e[runner]) * scale
        g = e[5]
        if g is not None:
            margin += (g[best] - g[runner]) * inv
        if margin > EVIDENCE_MARGIN and margin > strongest.get(t, 0.0):
            strongest[t] = margin
    for surface, w, show in hits:
        if not show:
            continue
        margin = (w[best] - w[runner]) * scale
        if margin > EVIDENCE_MARGIN and margin > strongest.get(surface, 0.0):
            strongest[surface] = margin
    if not strongest:
        return ()
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
