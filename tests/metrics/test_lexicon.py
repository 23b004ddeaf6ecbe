"""The word lists the talk classifier is built on, read from data files: the features, questions,
evidence and labels they produce are exactly those the shipped model (metrics/talk/model.json) was
fitted on. Each digest below was taken when the lists still lived in Python code; a changed list
changes a digest, and then the model must be refitted (a new FEATURE_SCHEME) before it is updated.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest

from metrics.talk import lexicon, realdata
from metrics.talk.classifier import default_classifier, is_question
from metrics.talk.evaluation import SEEDS_PATH, TEST_PATH, TRAIN_PATH, read_labelled
from metrics.talk.features import Lexicon, extract, is_content, sparse_features, substance, tokens
from metrics.talk.lexicon import FILES, word_lists, words
from metrics.talk.nsp import NspMatcher

NSP = NspMatcher(
    "We help small businesses be more successful by making their money work harder",
    ["small businesses", "more successful"],
)
# The digests of the lexicon's shape and of everything the classifier says about each sentence set.
LEXICON_DIGEST = "99d1e705abd1738ce1a00b2d287fb01906575aa723d0779c86dbbf7d2d674487"
WRITTEN_DIGEST = "527604a291f28960ef9ee110a4c68f853942077d69959d1ab1ad0773161de8ff"
REAL_DIGEST = "c8a90d2af608444f70f5fcae233b924f3157fab49f2869d725833b319db2f406"
REAL_LINES_PER_FILE = 400


def _digest(document) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _lexicon_shape(lexicon: Lexicon) -> dict:
    return {
        "single": sorted(lexicon.single.items()),
        "endings": sorted((last, sorted(heads)) for last, heads in lexicon.endings.items()),
        "ambiguous": sorted(lexicon.ambiguous),
        "side": sorted(lexicon.side.items()),
    }


def _what_is_said(texts: list[str]) -> list:
    lexicon, model = Lexicon(), default_classifier()
    out = []
    for text in texts:
        values, surfaces, n_content = sparse_features(text, lexicon)
        label = model.classify(text, NSP)
        out.append(
            [
                sorted((f, round(v, 9)) for f, v in values.items()),
                sorted(extract(text, lexicon)),  # phrases ending on one word come in set order
                [surfaces, n_content, substance(text), [is_content(t) for t in tokens(text)]],
                [is_question(text), NSP.matches(text)],
                # Which of two equally strong phrases is shown as evidence depends on set order, so
                # only how many words are shown is compared.
                [label.label, label.confidence, len(label.evidence), label.is_question, label.nsp_mention],
            ]
        )
    return out


def test_the_lexicon_has_the_words_the_model_was_fitted_on():
    assert _digest(_lexicon_shape(Lexicon())) == LEXICON_DIGEST


def test_written_sentences_get_the_same_features_and_labels():
    texts = [text for path in (TRAIN_PATH, TEST_PATH, SEEDS_PATH) for _, text in read_labelled(path)]
    assert len(texts) > 500
    assert _digest(_what_is_said(texts)) == WRITTEN_DIGEST


@pytest.mark.slow
@pytest.mark.skipif(
    not realdata.available(),
    reason=f"the real transcripts are not at {realdata.talk_dir()} (shared/data/talk beside the repository)",
)
def test_real_sentences_get_the_same_features_and_labels():
    texts = [u.text for u in realdata.load()]
    for source in sorted({u.source for u in realdata.load()})[:6]:
        texts += [text for _, text in realdata.read_transcript(source)[:REAL_LINES_PER_FILE]]
    assert len(texts) > 2000
    assert _digest(_what_is_said(texts)) == REAL_DIGEST


def test_every_word_list_is_read_once_and_shipped_with_the_package():
    assert word_lists("labels") is word_lists("labels")
    assert set(words("labels", "revenue.terms")) >= {"quota", "discount", "pipeline"}
    folder = Path(lexicon.__file__).parent
    assert sorted(p.stem for p in folder.glob("*.toml")) == sorted(FILES)
    with open(Path(__file__).parents[2] / "pyproject.toml", "rb") as f:
        shipped = tomllib.load(f)["tool"]["setuptools"]["package-data"]
    assert "*.toml" in shipped["metrics.talk.lexicon"]
    with pytest.raises(ValueError, match="not a word list file"):
        word_lists("passwords")
