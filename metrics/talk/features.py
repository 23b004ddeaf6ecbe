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

FEATURE_SCHEME = "snowball-bigram-lexicon-3"

_TOKEN = re.compile(r"[a-z0-9$%]+(?:['’][a-z]+)?(?:\.\d+)?")
_NUMBER = re.compile(r"^\$?\d[\d.,]*(?:k|m|mm|bn|%)?$")

# Words whose form carries meaning for this task (pronouns decide whose churn it is), kept unstemmed.
_KEEP = frozenset(
    [
        "us",
        "our",
        "ours",
        "we",
        "my",
        "me",
        "i",
        "you",
        "your",
        "their",
        "theirs",
        "they",
        "them",
        "this",
        "is",
        "was",
        "has",
        "its",
        "his",
        "as",
        "yes",
        "does",
    ]
)

# Who a phrase is about: the customer's side or ours. "Their churn" is customer impact; "our churn"
# is revenue (see docs/labelling-guide.md). A possessive ("their close") says more than a pronoun
# somewhere before the word ("they want to close this month"), so the two are separate features.
THEIR_POSSESSIVES = frozenset(["their", "theirs", "customer's", "customers'", "client's", "clients'"])
THEY_WORDS = frozenset(["they", "them", "they're", "they've", "they'll", "they'd"])
THEIR_WORDS = THEIR_POSSESSIVES | THEY_WORDS
OUR_POSSESSIVES = frozenset(["our", "ours", "my"])
WE_WORDS = frozenset(["we", "we're", "we've", "we'll", "we'd", "us", "i", "i'm", "i've", "i'll", "i'd", "me"])
OUR_WORDS = OUR_POSSESSIVES | WE_WORDS

# The hand-written lexicon. Stemmed at import time of this module (cheap: a few hundred words) and
# used both as the stand-alone rules baseline and as features of the linear model.
REVENUE_TERMS = [
    "quota",
    "quotas",
    "forecast",
    "forecasting",
    "pipeline",
    "pipe",
    "booking",
    "bookings",
    "booked",
    "book",
    "close",
    "closing",
    "closed",
    "closes",
    "price",
    "pricing",
    "priced",
    "discount",
    "discounts",
    "discounted",
    "discounting",
    "deal",
    "deals",
    "commission",
    "commissions",
    "comp",
    "bonus",
    "bonuses",
    "revenue",
    "arr",
    "acv",
    "tcv",
    "mrr",
    "number",
    "numbers",
    "target",
    "targets",
    "attainment",
    "commit",
    "upside",
    "sandbag",
    "signature",
    "sign",
    "signed",
    "signing",
    "po",
    "order",
    "orders",
    "contract",
    "contracts",
    "renewal",
    "renewals",
    "renew",
    "upsell",
    "cross-sell",
    "spiff",
    "accelerator",
    "accelerators",
    "quarter",
    "quarterly",
    "q1",
    "q2",
    "q3",
    "q4",
    "slip",
    "slipped",
    "slipping",
    "slips",
    "coverage",
    "stage",
    "probability",
    "paperwork",
    "procurement",
    "negotiation",
    "negotiate",
    "terms",
    "approval",
    "incentive",
    "money",
    "dollars",
    "dollar",
    "amount",
    "amounts",
    "rate",
    "margin",
    "opportunity",
    "opportunities",
    "opp",
    "opps",
    "plan",
    "ink",
    "inked",
    "quote",
    "quotes",
    "invoice",
    "prepay",
    "collect",
    "cash",
    "payment",
    "seats",
    "licenses",
    "win",
    "lost",
    "loss",
    "ltv",
    "month-end",
    "year-end",
    "leaderboard",
    "velocity",
    "conversion",
    "budget",
    "buy",
    "purchase",
    "percent",
    "worth",
    "cheaper",
    "undercut",
    "matched",
    "land",
    "lands",
    "landed",
    "landing",
    "verbal",
    "redlines",
    "countersign",
    "msa",
    "sow",
    "uplift",
    "concession",
    "concessions",
    "logo",
    "logos",
    "funnel",
    "sweetener",
    "odds",
    "bid",
    "tier",
    "signatory",
    "rollup",
]
REVENUE_PHRASES = (
    "best case",
    "close date",
    "deal desk",
    "deal size",
    "win rate",
    "list price",
    "end of quarter",
    "end of the quarter",
    "month end",
    "year end",
    "our number",
    "my number",
    "the number",
    "net retention",
    "gross retention",
    "our churn",
    "our retention",
    "hit my",
    "hit our",
    "make plan",
    "to plan",
    "closed won",
    "over the line",
    "across the line",
    "this quarter",
    "next quarter",
    "get it in",
    "pull it in",
    "bring it in",
    "pull forward",
    "bring forward",
    "where are we on",
    "worth to us",
    "on the books",
    "light a fire",
    "coin flip",
    "price hold",
    "order form",
    "payment terms",
    "new logos",
    "money on the table",
    "multi year",
    "cross sell",
    "roll up",
    "in or out",
)
CUSTOMER_TERMS = [
    "achieve",
    "achieving",
    "achieved",
    "goal",
    "goals",
    "outcome",
    "outcomes",
    "problem",
    "problems",
    "need",
    "needs",
    "needed",
    "pain",
    "challenge",
    "challenges",
    "struggle",
    "struggling",
    "success",
    "successful",
    "succeed",
    "impact",
    "difference",
    "help",
    "helps",
    "helping",
    "improve",
    "improving",
    "reduce",
    "reducing",
    "save",
    "saves",
    "saving",
    "time",
    "hours",
    "day",
    "days",
    "life",
    "lives",
    "patients",
    "patient",
    "nurses",
    "staff",
    "employees",
    "people",
    "team",
    "teams",
    "workers",
    "users",
    "students",
    "teachers",
    "drivers",
    "technicians",
    "engineers",
    "members",
    "donors",
    "volunteers",
    "tenants",
    "clinicians",
    "doctors",
    "owner",
    "founder",
    "business",
    "businesses",
    "operations",
    "mission",
    "care",
    "safety",
    "waste",
    "errors",
    "wait",
    "delays",
    "late",
    "slow",
    "manual",
    "paperwork",
    "frustrated",
    "worried",
    "afraid",
    "fear",
    "burned",
    "burnout",
    "overwhelmed",
    "stressed",
    "trust",
    "experience",
    "growth",
    "grow",
    "expand",
    "expansion",
    "strategy",
    "priorities",
    "better",
    "faster",
    "easier",
    "visibility",
    "fix",
    "fixed",
    "solve",
    "understand",
    "environment",
    "matter",
    "matters",
    "value",
    "meaningful",
    "accomplish",
    "progress",
    "trying",
    "want",
    "wants",
    "their",
    "they",
    "them",
    "customers",
    "clients",
    "families",
    "community",
    "affected",
    "affect",
    "hurting",
    "hurt",
    "exhausted",
    "burnt",
    "pressure",
    "bottleneck",
    "audit",
    "auditors",
    "auditor",
    "regulator",
    "compliance",
    "spreadsheets",
    "spreadsheet",
    "rework",
    "overtime",
    "weekends",
    "deadline",
    "backlog",
    "complaints",
    "complain",
    "complaining",
    "mistakes",
    "adopt",
    "adoption",
    "rollout",
    "usage",
    "using",
    "trained",
    "onboarding",
    "measure",
    "measured",
    "worked",
    "afford",
    "fit",
    "reference",
    "suppliers",
    "franchisees",
    "investors",
    "controller",
    "accountant",
    "accountants",
    "bookkeeper",
    "clinic",
    "clinics",
    "warehouse",
    "stores",
    "shoes",
    "chaos",
    "broken",
    "painful",
    "cares",
    "hoped",
    "different",
    "nervous",
    "blamed",
]
CUSTOMER_PHRASES = (
    "their business",
    "their customers",
    "their goals",
    "their goal",
    "their team",
    "their people",
    "their staff",
    "their churn",
    "their problem",
    "their revenue",
    "trying to",
    "what happens if",
    "make a difference",
    "more successful",
    "small businesses",
    "success look",
    "day to day",
    "go-live",
    "do nothing",
    "doing nothing",
    "nothing changes",
    "good looks like",
    "success looks like",
    "why now",
    "their shoes",
    "right fit",
    "good fit",
    "feels the pain",
    "keep up",
    "roll it out",
    "roll out",
    "go live",
    "what happens to",
    "if they don't",
    "close the books",
    "their books",
    "their close",
    "month end close",
    "end users",
    "front line",
    "their side",
    "for them",
    "to them",
)
OTHER_TERMS = [
    "mute",
    "muted",
    "unmute",
    "hear",
    "screen",
    "share",
    "sharing",
    "slide",
    "slides",
    "deck",
    "agenda",
    "link",
    "chat",
    "invite",
    "calendar",
    "notes",
    "recording",
    "record",
    "break",
    "lunch",
    "coffee",
    "weekend",
    "bye",
    "hello",
    "hi",
    "morning",
    "afternoon",
    "thanks",
    "thank",
    "welcome",
    "join",
    "joining",
    "joined",
    "camera",
    "audio",
    "video",
    "internet",
    "wifi",
    "room",
    "office",
    "meeting",
    "meetings",
    "minute",
    "minutes",
    "schedule",
    "reschedule",
    "vacation",
    "holiday",
    "birthday",
    "survey",
    "training",
    "expense",
    "expenses",
    "template",
    "wiki",
    "folder",
    "drive",
    "document",
    "email",
    "inbox",
    "offsite",
    "okay",
    "ok",
    "yeah",
    "yep",
    "um",
    "uh",
    "hmm",
    "mm",
    "sorry",
    "parking",
    "party",
    "alphabetically",
    "housekeeping",
    "minuting",
    "headset",
    "headsets",
    "echo",
    "frozen",
    "vpn",
    "laptop",
    "charger",
    "battery",
    "printer",
    "lobby",
    "reception",
    "receptionist",
    "parked",
    "travelling",
    "travel",
    "hotel",
    "venue",
    "badge",
    "whiteboard",
    "font",
    "doc",
    "channel",
    "zoom",
    "standup",
    "offline",
    "wrap",
    "dinner",
    "cake",
    "pizza",
    "congrats",
    "dentist",
    "appointment",
]
OTHER_PHRASES = (
    "next slide",
    "on mute",
    "you're on mute",
    "action items",
    "action item",
    "hard stop",
    "see you",
    "next week",
    "next time",
    "follow up",
    "let's move on",
    "move on",
    "let's get started",
    "any questions",
    "take a break",
    "usual order",
    "same order",
    "go round",
    "go around",
    "who's next",
    "up next",
    "over to you",
    "back to you",
    "take it offline",
    "wrap up",
    "dial in",
    "out of office",
    "let's start",
    "running order",
    "next item",
    "other business",
    "in a second",
)
# Words whose owner decides the label: revenue when it is ours, customer impact when it is theirs.
AMBIGUOUS_TERMS = [
    "churn",
    "churned",
    "retention",
    "revenue",
    "sales",
    "growth",
    "budget",
    "costs",
    "cost",
    "margins",
    "profit",
    "cash",
    "customers",
    "close",
    "closing",
    "books",
    "forecast",
    "budgets",
    "invoice",
    "invoices",
    "invoicing",
    "payment",
    "payments",
    "approval",
    "approvals",
    "audit",
    "spend",
    "spending",
    "payroll",
    "numbers",
    "finance",
    "reporting",
    "report",
    "margin",
    "headcount",
    "hiring",
    "quarter",
    "month",
    "process",
    "pipeline",
    "prices",
]


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
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "then",
        "than",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "it's",
        "i",
        "i'm",
        "i've",
        "i'll",
        "i'd",
        "me",
        "my",
        "mine",
        "we",
        "we're",
        "we've",
        "we'll",
        "we'd",
        "us",
        "our",
        "ours",
        "you",
        "you're",
        "you've",
        "you'll",
        "you'd",
        "your",
        "yours",
        "he",
        "he's",
        "him",
        "his",
        "she",
        "she's",
        "her",
        "hers",
        "they",
        "they're",
        "they've",
        "they'll",
        "they'd",
        "them",
        "their",
        "theirs",
        "one",
        "ones",
        "be",
        "is",
        "am",
        "are",
        "was",
        "were",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "have",
        "has",
        "had",
        "having",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "about",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "up",
        "down",
        "out",
        "off",
        "as",
        "just",
        "also",
        "very",
        "too",
        "really",
        "quite",
        "not",
        "no",
        "nor",
        "yes",
        "yeah",
        "yep",
        "yup",
        "ok",
        "okay",
        "right",
        "well",
        "oh",
        "ah",
        "uh",
        "um",
        "umm",
        "hmm",
        "mm",
        "mhm",
        "huh",
        "uh-huh",
        "mm-hmm",
        "mm-mm",
        "hm",
        "er",
        "erm",
        "eh",
        "like",
        "kind",
        "sort",
        "thing",
        "things",
        "stuff",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "some",
        "each",
        "every",
        "both",
        "either",
        "neither",
        "other",
        "another",
        "such",
        "own",
        "same",
        "few",
        "more",
        "most",
        "much",
        "many",
        "lot",
        "lots",
        "bit",
        "get",
        "got",
        "go",
        "going",
        "gonna",
        "wanna",
        "gotta",
        "say",
        "said",
        "know",
        "think",
        "mean",
        "see",
        "let",
        "let's",
        "now",
        "still",
        "even",
        "again",
        "already",
        "yet",
        "maybe",
        "perhaps",
        "sure",
        "cool",
        "great",
        "good",
        "fine",
        "alright",
        "thanks",
        "thank",
        "please",
        "sorry",
        "actually",
        "basically",
        "anyway",
        "anyways",
        "cause",
        "'cause",
        "because",
        "though",
        "although",
        "while",
        "whether",
    ]
)
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
