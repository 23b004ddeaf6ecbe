"""The talk classifier on real talk: hand labels split by meeting, the held-out goals, abstention on
fillers, calibrated confidence, and long real meetings that must not "open with a customer".

The real transcripts live in shared/data/talk beside the repository (never copied into it); the
tests that read them skip, saying where they looked, when that folder is absent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from dashboard.transcript_import import label_and_store
from data_access.scope import Scope
from data_access.transcripts import parse_file
from metrics.talk import realdata
from metrics.talk.classifier import default_classifier
from metrics.talk.evaluation import TEST_PATH, TRAIN_PATH, evaluate_rows, read_labelled
from metrics.talk.features import Lexicon, is_number, sparse_features
from metrics.talk.measures import meeting_measures
from tests.conftest import SHARED_DATA

needs_real = pytest.mark.skipif(
    not realdata.available(),
    reason=f"the real transcripts are not at {realdata.talk_dir()} (shared/data/talk beside the repository)",
)
AMI_VTT = SHARED_DATA / "meetings" / "ES2002d.vtt"
# An ICSI research meeting nobody labelled (no line of it is in the labels file).
ICSI_UNSEEN = "icsi/Bmr005.txt"


@pytest.fixture(scope="module")
def held_out():
    return realdata.held_out_figures()


def test_labels_cover_every_source_by_whole_meetings_and_outnumber_the_written_sentences():
    rows = realdata.read_label_rows()
    assert len(rows) >= 1500
    by_source = Counter(source.split("/", 1)[0] for source, _, _ in rows)
    assert set(by_source) == set(realdata.SOURCES) and min(by_source.values()) >= 300, by_source
    assert {label for _, _, label in rows} == {"revenue", "customer_impact", "other"}
    # Held out by meeting: every source keeps at least one labelled meeting out of training.
    meetings = {source for source, _, _ in rows}
    held = {s for s in meetings if s in realdata.HELD_OUT}
    assert held == set(realdata.HELD_OUT)
    assert {s.split("/", 1)[0] for s in held} == set(realdata.SOURCES)
    assert {s.split("/", 1)[0] for s in meetings - held} == set(realdata.SOURCES)
    # Whole stretches: a labelled meeting has its lines labelled in runs, not picked one by one.
    for meeting in meetings:
        lines = sorted(line for source, line, _ in rows if source == meeting)
        assert lines[-1] - lines[0] + 1 <= 1.2 * len(lines), meeting
    # The written sentences stay a minority of what the model is fitted on.
    real_training = sum(1 for source, _, _ in rows if source not in realdata.HELD_OUT)
    assert len(read_labelled(TRAIN_PATH)) < real_training


def test_a_bad_labels_file_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("source\tline\tlabel\nami/ES2008b.txt\t3\tprofit\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: unknown label 'profit'"):
        realdata.read_label_rows(path)
    path.write_text("ami/ES2008b.txt\t3\tother\nami/ES2008b.txt\t3\trevenue\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: ami/ES2008b.txt line 3 is labelled twice"):
        realdata.read_label_rows(path)


def test_without_the_shared_folder_loading_says_where_it_looked(tmp_path):
    with pytest.raises(realdata.RealDataMissing, match="real transcripts are not there"):
        realdata.load(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "text",
    [
        "Yes ,",
        "this one .",
        "Well ,",
        "u e a",
        "I will try to .",
        "Mm-hmm .",
        "Okay .",
        "Yeah , yeah .",
        "Um",
        "Right , so",
        "Uh-huh .",
        "Alright .",
        "Oh , got it .",
        "Pricing?",
    ],
)
def test_fillers_backchannels_fragments_and_single_words_are_other(text):
    result = default_classifier().classify(text)
    assert result.label == "other", result


def test_real_sentences_the_old_model_got_wrong():
    model = default_classifier()
    assert model.classify("Turning to our regulatory environment.").label == "other"
    assert model.classify("We remain optimistic about the future.").label == "other"
    assert model.classify("For the third quarter, total revenues were $452 million.").label == "revenue"
    assert model.classify("Our customers told us the remote is impossible to use.").label == "customer_impact"


def test_the_shipped_sum_is_the_one_training_fits():
    """Classifying adds up per-word remembered weights; training fits on ``sparse_features``. The
    two must give the same scores, or the shipped model is not the one that was measured."""
    model = default_classifier()
    lexicon = Lexicon()
    texts = [t for _, t in read_labelled(TEST_PATH)] + ["", "Yes ,", "their their churn churn 4.5% ?"]
    for text in texts:
        values, words, n_content = sparse_features(text, lexicon)
        expected = list(model.bias)
        for feature, value in values.items():
            w = model.weights.get(feature)
            if w is not None:
                expected = [expected[i] + w[i] * value for i in range(3)]
        vectors = [model.glove[t] for t in words if not is_number(t) and t in model.glove]
        if vectors:
            expected = [expected[i] + sum(v[i] for v in vectors) / len(vectors) for i in range(3)]
        scores, content = model.scores(text)
        assert content == n_content
        assert scores == pytest.approx(expected, abs=1e-9), text


def test_written_held_out_sentences_keep_their_floor():
    result = evaluate_rows(read_labelled(TEST_PATH), lambda t: default_classifier().classify(t).label)
    assert result.macro_f1 >= 0.95, result.table()


@needs_real
def test_held_out_real_meetings_meet_the_goals(held_out):
    reports = held_out["reports"]
    # Research and design meetings hold almost no purpose talk: at most 5% of their "other" talk may
    # be labelled revenue or customer impact.
    assert reports["icsi"].other_called_purpose <= 0.05, reports["icsi"].summary()
    assert reports["ami"].other_called_purpose <= 0.05, reports["ami"].summary()
    # Earnings calls are mostly revenue talk.
    revenue = next(s for s in reports["earnings_calls"].evaluation.per_label if s.label == "revenue")
    assert revenue.f1 >= 0.85, reports["earnings_calls"].summary()
    assert reports["all"].macro_f1 >= 0.7, reports["all"].summary()


@needs_real
def test_confidence_varies_and_is_calibrated_on_held_out_real_talk(held_out):
    confidences = [r.confidence for r in held_out["results"]]
    assert len({round(c, 2) for c in confidences}) >= 30
    assert sum(1 for c in confidences if c >= 0.995) / len(confidences) < 0.5
    # Of what is labelled at about 0.8, about 80% is right: the expected calibration error is small.
    assert held_out["ece"] <= 0.08, held_out["bins"]
    assert all(abs(b.mean_confidence - b.accuracy) <= 0.2 for b in held_out["bins"] if b.n >= 50), held_out[
        "bins"
    ]


def _store(conn, path, title: str):
    parsed = parse_file(path)
    return label_and_store(
        conn,
        parsed,
        default_classifier(),
        None,
        kind="leadership",
        held_at=dt.datetime(2025, 3, 14, 9, 30),
        title=title,
    )


@needs_real
def test_long_real_meetings_do_not_open_with_a_customer(conn):
    ami = _store(conn, AMI_VTT, "AMI ES2002d")
    icsi = _store(conn, realdata.talk_dir() / ICSI_UNSEEN, "ICSI Bmr005")
    measures = {mm.meeting_id: mm for mm in meeting_measures(conn, Scope.everything())}
    timed, untimed = measures[ami.meeting_id], measures[icsi.meeting_id]
    assert timed.utterances == 1362 and timed.opening_timed
    assert untimed.utterances > 800 and not untimed.opening_timed
    for meeting in (timed, untimed):
        assert meeting.opens_with_customer is False
        # A research or design meeting is not purpose talk: a few utterances at most.
        assert meeting.purpose_talk_share <= 0.05, meeting
