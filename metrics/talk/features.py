"""Turning an utterance into the features the talk classifier weighs.

Training (:mod:`metrics.talk.training`) and classification (:mod:`metrics.talk.classifier`) call the
same :func:`extract`, so a feature means the same thing in both. Everything here is plain Python with
precompiled patterns: the ``classify`` command runs it hundreds of thousands of times per second,
so no pandas, no numpy and no model load belong on this path.

A feature is a string: a stemmed word (``clos``), a pair of neighbouring stems (``their|goal``) or a
lexicon category (``@rev``, ``@ci``, ``@other``, ``@their_ambiguous``, ``@our_ambiguous``). Each
comes with the words of the utterance that produced it, which become the classifier's evidence.
"""

from __future__ import annotations

import re

import snowballstemmer

from metrics.talk.lexicon import word_set, words

FEATURE_SCHEME = "snowball-bigram-lexicon-3"

_TOKEN = re.compile(r"[a-z0-9$%]+(?:['’][a-z]+)?(?:\.\d+)?")
_NUMBER = re.compile(r"^\$?\d[\d.,]*(?:k|m|mm|bn|%)?$")

# Words whose form carries meaning for this task (pronouns decide whose churn it is), kept unstemmed.
_KEEP = word_set("owners", "unstemmed")

# Who a phrase is about: the customer's side or ours. "Their churn" is customer impact; "our churn"
# is revenue (see docs/labelling-guide.md). A possessive ("their close") says more than a pronoun
# somewhere before the word ("they want to close this month"), so the two are separate features.
THEIR_POSSESSIVES = word_set("owners", "their_possessives")
THEY_WORDS = word_set("owners", "they_words")
THEIR_WORDS = THEIR_POSSESSIVES | THEY_WORDS
OUR_POSSESSIVES = word_set("owners", "our_possessives")
WE_WORDS = word_set("owners", "we_words")
OUR_WORDS = OUR_POSSESSIVES | WE_WORDS

# The hand-written lexicon (metrics/talk/lexicon/labels.toml). Stemmed when a Lexicon is built (cheap:
# a few hundred words) and used both as the stand-alone rules baseline and as features of the linear model.
REVENUE_TERMS = words("labels", "revenue.terms")
REVENUE_PHRASES = words("labels", "revenue.phrases")
CUSTOMER_TERMS = words("labels", "customer_impact.terms")
CUSTOMER_PHRASES = words("labels", "customer_impact.phrases")
OTHER_TERMS = words("labels", "other.terms")
OTHER_PHRASES = words("labels", "other.phrases")
# Words whose owner decides the label: revenue when it is ours, customer impact when it is theirs.
AMBIGUOUS_TERMS = words("labels", "ambiguous.terms")


_SNOWBALL = snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem, so "deals", "closing" and "closed" meet.

    Pronouns and the few words whose form carries meaning here are kept as they are, and a possessive
    "'s" is dropped first ("customer's" and "customers" meet, "their" stays "their").
    """
    if word in _KEEP or len(word) <= 2:
        return word
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    elif word.endswith("s'"):
        word = word[:-1]
    return _SNOWBALL.stemWord(word)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; numbers and amounts become ``#num``."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        out.append("#num" if _NUMBER.match(tok) else tok)
    return out


def _stem_set(words) -> frozenset[str]:
    return frozenset(stem(w) for w in words if len(tokens(w)) == 1)


def _phrase_set(phrases) -> frozenset[tuple[str, ...]]:
    # A hyphenated lexicon word ("month-end") is two tokens to the tokenizer, so it is a phrase.
    return frozenset(
        tuple(stem(w) for w in tokens(p)) for p in phrases if 2 <= len(tokens(p)) <= MAX_PHRASE_WORDS
    )


MAX_PHRASE_WORDS = 4
# Stems remembered per lexicon: an utterance's words are mostly words seen before, and stemming is
# the costliest step of extraction. Bounded so a long stream of new words cannot grow it forever.
_STEM_MEMORY = 50_000


class Lexicon:
    """The stemmed lexicon: which stems and phrases point to which label, and whose side a word is on.

    ``endings`` indexes phrases (two to four words) by their last stem, so extraction looks a phrase
    up only when its last word arrives.
    """

    __slots__ = ("single", "endings", "ambiguous", "side", "_stems")

    def __init__(self) -> None:
        self.single: dict[str, str] = {}
        # Customer words first, revenue and other last: a word in two lists keeps the more specific meaning.
        for category, words in (("@ci", CUSTOMER_TERMS), ("@rev", REVENUE_TERMS), ("@other", OTHER_TERMS)):
            for s in _stem_set(words):
                self.single[s] = category
        endings: dict[str, dict[tuple[str, ...], str]] = {}
        for category, phrases in (
            ("@ci", (*CUSTOMER_PHRASES, *CUSTOMER_TERMS)),
            ("@rev", (*REVENUE_PHRASES, *REVENUE_TERMS)),
            ("@other", (*OTHER_PHRASES, *OTHER_TERMS)),
        ):
            for p in _phrase_set(phrases):
                endings.setdefault(p[-1], {})[p[:-1]] = category
        self.endings = {last: tuple(heads.items()) for last, heads in endings.items()}
        self.ambiguous = _stem_set(AMBIGUOUS_TERMS)
        # Which side a word puts the words after it on, named as the feature it produces.
        self.side: dict[str, str] = {}
        for side, words in (
            ("@their_ambiguous", THEIR_POSSESSIVES),
            ("@they_ambiguous", THEY_WORDS),
            ("@our_ambiguous", OUR_POSSESSIVES),
            ("@we_ambiguous", WE_WORDS),
        ):
            for s in _stem_set(words):
                self.side[s] = side
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        """:func:`stem`, remembered."""
        found = self._stems.get(word)
        if found is None:
            if len(self._stems) >= _STEM_MEMORY:
                self._stems.clear()
            found = self._stems[word] = stem(word)
        return found


def extract(text: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """The features of ``text`` as ``(feature, surface words)`` pairs, in order of appearance.

    Per word: its stem, the pair it makes with the word before, its lexicon category, the category of
    any lexicon phrase it completes, and, for a word whose owner decides its label (churn, budget,
    close...), which side the last possessive or pronoun before it was on. A question mark adds
    ``@question`` (with no surface words, so it is never shown as evidence on its own).
    """
    surfaces = _TOKEN.findall(text.lower())
    stem_of = lexicon.stem
    stems = ["#num" if _NUMBER.match(tok) else stem_of(tok) for tok in surfaces]
    feats: list[tuple[str, str]] = []
    for surface, s in zip(surfaces, stems, strict=True):
        feats.append((s, surface))
        category = lexicon.single.get(s)
        if category is not None:
            feats.append((category, surface))
    # Pairs, lexicon phrases and owners: the same as the linear model's (one definition).
    feats += sequence_features(surfaces, stems, lexicon)
    if "?" in text:
        feats.append(("@question", ""))
    return feats


# --- Features of the linear model (scheme "snowball-bigram-lexicon-3") -------------------------------
#
# Everything that depends on one word only (its stem, its lexicon category, its character n-grams) is a
# "token feature": the classifier adds up their weights once per distinct word and remembers the sum,
# so character n-grams cost nothing after a word's first sighting. What depends on the order of the
# words (pairs, lexicon phrases, whose side an ambiguous word is on) is a "sequence feature". Both are
# scaled by 1/sqrt(number of words), so a long paragraph does not shout louder than a sentence.
# Short-utterance and question features are not scaled.

CHAR_NGRAMS = (3, 4, 5)

# Words with no content of their own: function words, fillers and backchannels. An utterance made
# only of these ("Yes ,", "this one .", "Well ,", "Mm-hmm") is ``other`` whatever the model says.
STOPWORDS = word_set("stopwords", "no_content")
LENGTH_BUCKETS = ((1, "@len:1"), (3, "@len:2-3"), (7, "@len:4-7"), (15, "@len:8-15"), (31, "@len:16-31"))
LONG_BUCKET = "@len:32+"


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (numbers and amounts kept as written)."""
    return _TOKEN.findall(text.lower())


def is_number(token: str) -> bool:
    return _NUMBER.match(token) is not None


def is_content(token: str) -> bool:
    """A word that can carry meaning: not a function word or filler, at least three letters, or a number."""
    if _NUMBER.match(token):
        return True
    return len(token) >= 3 and token not in STOPWORDS and not token.startswith("'")


def token_features(token: str, lexicon: Lexicon) -> list[str]:
    """The features one word brings whatever its neighbours: stem, lexicon category, character n-grams."""
    if _NUMBER.match(token):
        return ["#num"]
    s = lexicon.stem(token)
    feats = [s]
    cat = lexicon.single.get(s)
    if cat is not None:
        feats.append(cat)
    padded = f" {token} "
    size = len(padded)
    for n in CHAR_NGRAMS:
        for i in range(size - n + 1):
            feats.append("~" + padded[i : i + n])
    return feats


def sequence_features(surfaces: list[str], stems: list[str], lexicon: Lexicon) -> list[tuple[str, str]]:
    """Features that depend on word order, with the words that produced them: neighbouring stem pairs
    (with sentence start and end), lexicon phrases, and whose side an ambiguous word is on."""
    feats: list[tuple[str, str]] = []
    append = feats.append
    endings = lexicon.endings
    ambiguous = lexicon.ambiguous
    side_of = lexicon.side
    side = ""
    prev_s = "<s>"
    prev_w = ""
    for i, s in enumerate(stems):
        w = surfaces[i]
        append((prev_s + "|" + s, (prev_w + " " + w).strip()))
        heads = endings.get(s)
        if heads is not None:
            for head, pair_cat in heads:
                n = len(head)
                if i >= n and tuple(stems[i - n : i]) == head:
                    append((pair_cat, " ".join(surfaces[i - n : i + 1])))
        owner = side_of.get(s)
        if owner is not None:
            side = owner
        elif side and s in ambiguous:
            append((side, w))
        prev_s, prev_w = s, w
    if stems:
        append((prev_s + "|</s>", prev_w))
    return feats


def meta_features(text: str, n_words: int, n_content: int) -> list[str]:
    """Unscaled features of the utterance as a whole: its length, how many content words, a question mark."""
    feats = [LONG_BUCKET]
    for upper, name in LENGTH_BUCKETS:
        if n_words <= upper:
            feats[0] = name
            break
    feats.append("@content:1" if n_content == 1 else "@content:2" if n_content == 2 else "@content:3+")
    if "?" in text:
        feats.append("@question")
    return feats


def stems_of(surfaces: list[str], lexicon: Lexicon) -> list[str]:
    stem_of = lexicon.stem
    return ["#num" if _NUMBER.match(t) else stem_of(t) for t in surfaces]


def sparse_features(text: str, lexicon: Lexicon) -> tuple[dict[str, float], list[str], int]:
    """What training fits on: ``({feature: value}, words, number of content words)``.

    The classifier computes the same sum without building this dictionary (it remembers each word's
    token-feature total), so a feature means the same thing in both.
    """
    surfaces = words(text)
    n = len(surfaces)
    n_content = sum(1 for t in surfaces if is_content(t))
    values: dict[str, float] = {}
    if n:
        scale = 1.0 / n**0.5
        for t in surfaces:
            for f in token_features(t, lexicon):
                values[f] = values.get(f, 0.0) + scale
        for f, _ in sequence_features(surfaces, stems_of(surfaces, lexicon), lexicon):
            values[f] = values.get(f, 0.0) + scale
    for f in meta_features(text, n, n_content):
        values[f] = values.get(f, 0.0) + 1.0
    return values, surfaces, n_content


def substance(text: str, min_words: int = 2) -> int:
    """Content words of ``text``, or 0 below ``min_words`` words: what the classifier decides on at all."""
    surfaces = words(text)
    return sum(1 for t in surfaces if is_content(t)) if len(surfaces) >= min_words else 0
