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

FEATURE_SCHEME = "stem-bigram-lexicon-1"

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
# is revenue (see docs/labelling-guide.md).
THEIR_WORDS = frozenset(
    ["their", "theirs", "they", "them", "they're", "customer's", "customers'", "client's", "clients'"]
)
OUR_WORDS = frozenset(["our", "ours", "we", "we're", "us", "my", "i", "i'm", "me"])

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
    "rate",
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
]


def stem(word: str) -> str:
    """A crude suffix-stripping stem: enough to make "deals", "closing" and "closed" meet."""
    if word in _KEEP or len(word) <= 3:
        return word
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    elif word.endswith("s'"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; numbers and amounts become ``#num``."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        out.append("#num" if _NUMBER.match(tok) else tok)
    return out


def _stem_set(words) -> frozenset[str]:
    return frozenset(stem(w) for w in words)


def _phrase_set(phrases) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(stem(w) for w in tokens(p)) for p in phrases)


class Lexicon:
    """The stemmed lexicon: which stems and stem pairs point to which label."""

    __slots__ = ("single", "pairs", "ambiguous", "their", "our")

    def __init__(self) -> None:
        self.single: dict[str, str] = {}
        # Customer words first, revenue and other last: a word in two lists keeps the more specific meaning.
        for category, words in (("@ci", CUSTOMER_TERMS), ("@rev", REVENUE_TERMS), ("@other", OTHER_TERMS)):
            for s in _stem_set(words):
                self.single[s] = category
        self.pairs: dict[tuple[str, ...], str] = {}
        for category, phrases in (
            ("@ci", CUSTOMER_PHRASES),
            ("@rev", REVENUE_PHRASES),
            ("@other", OTHER_PHRASES),
        ):
            for p in _phrase_set(phrases):
                self.pairs[p] = category
        self.ambiguous = _stem_set(AMBIGUOUS_TERMS)
        self.their = _stem_set(THEIR_WORDS)
        self.our = _stem_set(OUR_WORDS)


def extract(text: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """The features of ``text`` as ``(feature, surface words)`` pairs, in order of appearance."""
    surfaces = _TOKEN.findall(text.lower())
    words = ["#num" if _NUMBER.match(tok) else tok for tok in surfaces]
    stems = [stem(w) for w in words]
    feats: list[tuple[str, str]] = []
    append = feats.append
    single = lexicon.single
    pairs = lexicon.pairs
    ambiguous = lexicon.ambiguous
    owner = ""  # the last possessor seen: "their" or "our"
    prev_s = "<s>"
    prev_w = ""
    for w, s in zip(surfaces, stems, strict=True):
        append((s, w))
        append((prev_s + "|" + s, (prev_w + " " + w).strip()))
        cat = single.get(s)
        if cat is not None:
            append((cat, w))
        pair_cat = pairs.get((prev_s, s))
        if pair_cat is not None:
            append((pair_cat, prev_w + " " + w))
        if s in lexicon.their:
            owner = "their"
        elif s in lexicon.our:
            owner = "our"
        elif s in ambiguous and owner:
            append(("@" + owner + "_ambiguous", w))
        prev_s, prev_w = s, w
    if words:
        append((prev_s + "|</s>", prev_w))
    return feats
