"""Does an utterance reference the organisation's Noble Sales Purpose?

An utterance mentions the NSP when it contains one of its key phrases, or when it says the statement
itself in close enough words (most of the statement's content words, in any order: people paraphrase
"We help small businesses be more successful" as "helping small businesses become successful").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from metrics.talk.features import stem
from metrics.talk.lexicon import word_set

_WORDS = re.compile(r"[a-z0-9]+")
_STOPWORDS = word_set("stopwords", "not_in_purpose")
# The share of the statement's content words an utterance must contain to count as a paraphrase.
STATEMENT_OVERLAP = 0.75


def _normal(text: str) -> str:
    return " " + " ".join(stem(w) for w in _WORDS.findall(text.lower())) + " "


class NspMatcher:
    """Matches the NSP statement and its key phrases in utterances.

    Parameters
    ----------
    statement
        The NSP statement, e.g. "We help small businesses be more successful".
    key_phrases
        Short phrases that stand for it ("small businesses", "more successful").
    """

    __slots__ = ("phrases", "statement_words", "needed")

    def __init__(self, statement: str | None, key_phrases: Iterable[str] = ()) -> None:
        phrases = {_normal(p) for p in key_phrases if p and p.strip()}
        if statement and statement.strip():
            phrases.add(_normal(statement))
        self.phrases = tuple(sorted(p for p in phrases if p.strip()))
        words = [stem(w) for w in _WORDS.findall((statement or "").lower()) if w not in _STOPWORDS]
        self.statement_words = frozenset(words)
        # Short statements must be said in full (through the phrase match above), not guessed at.
        self.needed = (
            max(1, round(STATEMENT_OVERLAP * len(self.statement_words)))
            if len(self.statement_words) >= 3
            else 0
        )

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def matches(self, text: str) -> bool:
        """True when ``text`` contains a key phrase or paraphrases the statement."""
        if not self.phrases:
            return False
        normal = _normal(text)
        for phrase in self.phrases:
            if phrase in normal:
                return True
        if self.needed:
            present = sum(1 for w in self.statement_words if f" {w} " in normal)
            return present >= self.needed
        return False
