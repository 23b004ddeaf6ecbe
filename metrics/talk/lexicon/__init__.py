"""The talk classifier's word lists, kept as data: ``labels.toml`` (the lexicon of revenue, customer
impact and other words and phrases, and the words whose owner decides the label), ``owners.toml``
(whose side a pronoun or possessive puts a word on), ``stopwords.toml`` and ``questions.toml``.

Each file is read once per process and shipped with the package (``pyproject.toml`` lists
``*.toml`` as package data). The shipped model was fitted on exactly these lists: changing one needs
a refitted model (see :mod:`metrics.talk.training`).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

FILES = ("labels", "owners", "stopwords", "questions")


@cache
def word_lists(name: str) -> dict:
    """The lists of ``<name>.toml`` (``name`` one of :data:`FILES`), as the file has them."""
    if name not in FILES:
        raise ValueError(f"{name}: not a word list file (one of {', '.join(FILES)}).")
    text = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def words(name: str, key: str) -> tuple[str, ...]:
    """One list of ``<name>.toml``, in file order; ``key`` may name a table's list ("revenue.terms")."""
    found = word_lists(name)
    for part in key.split("."):
        found = found[part]
    return tuple(found)


def word_set(name: str, key: str) -> frozenset[str]:
    return frozenset(words(name, key))
