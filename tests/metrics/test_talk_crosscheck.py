"""The cross-author check: the talk classifier on the demo's independently written, planted language."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard.cli.main import main
from dashboard.config import Settings
from data_access.demo import build_demo, language
from metrics.talk.classifier import LABELS, TalkClassifier
from metrics.talk.crosscheck import cross_check, planted_utterances, team_figures
from metrics.talk.evaluation import SEEDS_PATH, TRAIN_PATH, read_labelled

# Measured on the whole demo (seed 7): macro-F1 0.899 with the shipped model, which learns mostly
# from real talk and abstains when unsure (the previous, demo-tuned model read 0.979 here but labelled
# a fifth of a real research meeting as purpose talk). The floor leaves room for a 4,000-utterance
# sample's noise and still fails long before the first model's 0.835.
MACRO_F1_FLOOR = 0.87
PER_LABEL_F1_FLOOR = 0.82
SAMPLE = 4000


@pytest.fixture(scope="module")
def sample():
    return planted_utterances(build_demo(7, dt.date(2026, 4, 30)), sample=SAMPLE)


def test_sample_covers_every_label_team_and_meeting_kind(sample):
    assert len(sample) == SAMPLE
    assert {u.label for u in sample} == set(LABELS)
    assert {"Atlas", "Beacon"} <= {u.team for u in sample}
    assert "deal_review" in {u.meeting_kind for u in sample}


def test_cross_author_macro_f1_has_a_floor(sample):
    check = cross_check([(u.label, u.text) for u in sample])
    assert check.evaluation.n == SAMPLE
    assert check.evaluation.macro_f1 >= MACRO_F1_FLOOR, check.evaluation.table() + "\n" + check.matrix_table()
    assert all(s.f1 >= PER_LABEL_F1_FLOOR for s in check.evaluation.per_label), check.evaluation.table()


def test_customer_talk_share_a_user_sees_stays_close_to_the_planted_one(sample):
    # The dashboard's central signal: customer_impact / (customer_impact + revenue), per team. The
    # first model read Atlas's 0.64 as about 0.49. This one reads about four fifths of every team's
    # planted share (it abstains on customer talk it is unsure of: Atlas 0.64 -> 0.56), never more than
    # a little above it, and the teams keep their order: Atlas highest, Beacon lowest.
    shares = {}
    for figures in team_figures(sample):
        if figures.planted_customer_share is None:
            continue
        shares[figures.team] = (figures.planted_customer_share, figures.classified_customer_share)
        ratio = figures.classified_customer_share / figures.planted_customer_share
        assert 0.7 <= ratio <= 1.1, figures
        # Symptom 2: the earlier model saw Beacon's 6% of deal reviews asking a customer question as 35%.
        if figures.planted_reviews_asking is not None:
            assert figures.classified_reviews_asking == pytest.approx(
                figures.planted_reviews_asking, abs=0.1
            ), figures
    for at in (0, 1):
        ranked = sorted(shares, key=lambda team: shares[team][at])
        assert ranked[0] == "Beacon" and ranked[-1] == "Atlas", shares


def test_confusion_matrix_and_examples_are_counted_by_hand():
    model = TalkClassifier(
        {"quota": (3.0, 0.0, 0.0), "goal": (0.0, 3.0, 0.0), "mute": (0.0, 0.0, 3.0)},
        [0.0, 0.0, 0.5],
        version="hand",
    )
    rows = [
        ("revenue", "quota talk"),
        ("revenue", "their goal"),  # revenue read as customer impact
        ("customer_impact", "our goal"),
        ("customer_impact", "you are on mute"),  # customer impact read as other
        ("customer_impact", "you are on mute"),  # the same sentence twice: one example, counted twice
        ("other", "mute please"),
    ]
    check = cross_check(rows, model)
    assert check.confusion == {
        ("revenue", "revenue"): 1,
        ("revenue", "customer_impact"): 1,
        ("customer_impact", "customer_impact"): 1,
        ("customer_impact", "other"): 2,
        ("other", "other"): 1,
    }
    assert check.top_confusions() == [(("customer_impact", "other"), 2), (("revenue", "customer_impact"), 1)]
    assert check.examples[("customer_impact", "other")] == ["you are on mute"]
    assert check.evidence[("revenue", "customer_impact")]["goal"] == 1
    revenue, customer, other = check.evaluation.per_label
    assert (revenue.precision, revenue.recall) == (1.0, 0.5)
    assert (customer.precision, customer.recall) == (0.5, 1 / 3)
    assert (other.precision, other.recall) == (1 / 3, 1.0)
    assert "customer_impact" in check.matrix_table().splitlines()[2]


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_training_corpus_copies_no_demo_wording():
    """The demo is a cross-author check only while the corpus never copies its wording: no training
    line shares a run of seven words with the demo's sentence templates, apart from the seed
    articles' own questions, which both were written from."""
    run = 7
    demo_runs: set[tuple[str, ...]] = set()
    for name in dir(language):
        value = getattr(language, name)
        if name.isupper() and isinstance(value, tuple):
            for template in value:
                if isinstance(template, str):
                    for fragment in re.split(r"\{[a-z_0-9]+\}", template):
                        demo_runs |= _runs(fragment, run)
    seed_runs = set().union(*(_runs(text, run) for _, text in read_labelled(SEEDS_PATH)))
    assert len(demo_runs) > 300
    copied = [text for _, text in read_labelled(TRAIN_PATH) if _runs(text, run) & (demo_runs - seed_runs)]
    assert copied == []


def test_planted_utterances_name_their_team_and_meeting_kind():
    tables = {
        "teams": [{"id": 1, "name": "Atlas"}],
        "meetings": [{"id": 5, "team_id": 1, "kind": "deal_review"}, {"id": 6, "team_id": 2, "kind": "pipeline"}],
        "utterances": [
            {"meeting_id": 5, "label": "revenue", "text": "Can we close it?", "is_question": 1},
            {"meeting_id": 6, "label": "other", "text": "Next slide.", "is_question": 0},
        ],
    }
    first, second = planted_utterances(tables)
    assert (first.team, first.meeting_kind, first.is_question, first.label) == ("Atlas", "deal_review", True, "revenue")
    assert (second.team, second.meeting_kind, second.is_question) == ("", "pipeline", False)
    assert len(planted_utterances(tables, sample=1)) == 1


def test_crosscheck_command_prints_scores_and_confusions(capsys, tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    argv = ["crosscheck", "--sample", "300", "--examples", "1", "--confusions", "2"]
    assert main(argv, settings=settings) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "planted \\ predicted" in out
    assert out.count("planted ") >= 1
    assert "(seed 7, end 2026-04-30)" in out


def test_crosscheck_command_refuses_a_missing_model_in_one_sentence(capsys, tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    assert main(["crosscheck", "--model", str(tmp_path / "nope.json")], settings=settings) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.json'}: no such model file.\n"
