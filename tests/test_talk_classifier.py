"""The talk classifier, its command, reclassify, and the meeting measures computed in SQL."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import insert, select

from data_access import models as m
from data_access.scope import Scope
from metrics.talk.classifier import TalkClassifier, default_classifier, is_question
from metrics.talk.evaluation import SEEDS_PATH, TEST_PATH, TRAIN_PATH, evaluate, evaluate_rows, read_labelled
from metrics.talk.measures import meeting_measures, talk_time_by_speaker
from metrics.talk.nsp import NspMatcher
from metrics.talk.reclassify import reclassify
from tests.conftest import REPO_ROOT

NSP = NspMatcher("We help small businesses be more successful", ["small businesses", "more successful"])


def _label(text: str) -> str:
    return default_classifier().classify(text).label


def test_corpus_is_large_balanced_and_the_test_split_is_unseen():
    train = read_labelled(TRAIN_PATH)
    test = read_labelled(TEST_PATH)
    assert len(train) + len(test) >= 1200
    for rows in (train, test):
        counts = {label: sum(1 for g, _ in rows if g == label) for label in m.TALK_LABELS}
        assert max(counts.values()) - min(counts.values()) <= len(rows) * 0.02
    assert not {t.lower() for _, t in train} & {t.lower() for _, t in test}


def test_held_out_macro_f1_has_a_floor():
    result = evaluate_rows(read_labelled(TEST_PATH), _label)
    assert result.macro_f1 >= 0.85, result.table()
    assert all(s.f1 >= 0.8 for s in result.per_label), result.table()


def test_seed_article_sentences_are_labelled_right():
    result = evaluate_rows(read_labelled(SEEDS_PATH), _label)
    assert result.accuracy >= 0.9, result.table()


def test_evaluation_arithmetic_on_a_hand_counted_example():
    gold = ["revenue", "revenue", "customer_impact", "other"]
    predicted = ["revenue", "customer_impact", "customer_impact", "other"]
    result = evaluate(gold, predicted)
    revenue, customer, other = result.per_label
    assert (revenue.precision, revenue.recall) == (1.0, 0.5)
    assert (customer.precision, customer.recall) == (0.5, 1.0)
    assert other.f1 == 1.0
    assert result.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    assert result.accuracy == 0.75


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # The labelling guide's borderline rules, in wording the corpus does not hold.
        ("The client asked us for a discount on the renewal.", "revenue"),
        ("Their churn is hurting their business.", "customer_impact"),
        ("Our churn rate climbed again this quarter.", "revenue"),
        ("What is the customer trying to achieve?", "customer_impact"),
        ("Can we get the contract signed by Friday?", "revenue"),
        ("Let me share my screen.", "other"),
    ],
)
def test_borderline_rules_of_the_labelling_guide(text, label):
    assert _label(text) == label


def test_evidence_is_never_empty_for_revenue_or_customer_impact():
    model = default_classifier()
    rows = read_labelled(TEST_PATH) + read_labelled(TRAIN_PATH)
    purposeful = [r for r in (model.classify(t) for _, t in rows) if r.label != "other"]
    assert len(purposeful) > 500
    assert all(r.evidence for r in purposeful)


def test_evidence_names_the_deciding_words():
    result = default_classifier().classify("Average selling price keeps sliding, we are down to 31k.")
    assert result.label == "revenue" and "price" in result.evidence
    result = default_classifier().classify("Their nurses spend two hours a day on paperwork.")
    assert result.label == "customer_impact" and "nurses" in result.evidence


def test_a_purpose_label_without_supporting_words_falls_back_to_other():
    # A model whose only weight is a bias towards revenue has no words to show: the label must be other.
    model = TalkClassifier({}, [5.0, 0.0, 0.0], version="bias-only")
    assert model.classify("we should talk").label == "other"


def test_a_close_call_is_other():
    # Revenue wins, but with less probability than the model's threshold for it: other, and the
    # confidence given is the probability of other.
    model = TalkClassifier(
        {"price": (1.0, 0.0, 0.0), "sliding": (0.0, 0.0, 0.8)},
        [0.0, 0.0, 0.0],
        "close",
        abstain_below=(0.6, 0.6),
    )
    probabilities = model.probabilities("price sliding")
    assert probabilities[0] == max(probabilities) < 0.6
    result = model.classify("price sliding")
    assert result.label == "other" and result.confidence == round(probabilities[2], 3)
    assert model.classify("price price price").label == "revenue"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What are they trying to achieve?", True),
        ("what happens if they don't achieve that", True),
        ("So um do we know who signs off", True),
        ("Okay we all all set ?", True),
        ("Do that before Friday.", False),
        ("What we need is a bigger pipeline.", False),
        ("What they really care about is getting paid on time.", False),
        ("Their patients wait three weeks.", False),
    ],
)
def test_is_question(text, expected):
    assert is_question(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remember, we help small businesses be more successful.", True),
        ("That's the small businesses piece again.", True),
        ("Our purpose is helping small business owners become more successful.", True),
        ("We need the signature by Friday.", False),
        ("Smaller business units report late.", False),
    ],
)
def test_nsp_mention_detection(text, expected):
    assert NSP.matches(text) is expected
    assert default_classifier().classify(text, NSP).nsp_mention is expected


def test_no_nsp_means_no_mention():
    assert not NspMatcher(None, []).matches("we help small businesses")
    assert default_classifier().classify("we help small businesses").nsp_mention is False


def _run_cli(*argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_classify_command_writes_json_lines():
    stdin = "What are they trying to achieve?\n\nWe need the PO by Friday to hit quota.\nwe help small businesses grow\n"
    done = _run_cli(
        "classify",
        "--nsp",
        "We help small businesses be more successful",
        "--key-phrase",
        "small businesses",
        stdin=stdin,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in records] == [
        "What are they trying to achieve?",
        "We need the PO by Friday to hit quota.",
        "we help small businesses grow",
    ]
    assert set(records[0]) == {"text", "label", "confidence", "evidence", "is_question", "nsp_mention"}
    assert records[0]["label"] == "customer_impact" and records[0]["is_question"] is True
    assert records[1]["label"] == "revenue" and records[1]["evidence"] and not records[1]["is_question"]
    assert [r["nsp_mention"] for r in records] == [False, False, True]
    assert all(0.0 <= r["confidence"] <= 1.0 for r in records)


def test_classify_evaluate_prints_per_label_scores_and_macro_f1(tmp_path):
    sample = tmp_path / "sample.tsv"
    sample.write_text(
        "revenue\tWhat's the commit number for the quarter?\n"
        "customer_impact\tTheir clinicians are drowning in paperwork.\n"
        "other\tCan you hear me now?\n",
        encoding="utf-8",
    )
    done = _run_cli("classify", "--evaluate", str(sample))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for label in ("revenue", "customer_impact", "other"):
        row = next(line for line in lines if line.startswith(label))
        assert row.split()[1:4] == ["1.000", "1.000", "1.000"]
    assert next(line for line in lines if line.startswith("macro-F1")).split()[-1] == "1.000"


def test_classify_evaluate_refuses_a_bad_file_in_one_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("revenue\tfine\nprofit\tan unknown label\n", encoding="utf-8")
    done = _run_cli("classify", "--evaluate", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "line 2" in done.stderr and "profit" in done.stderr


# Stored meetings: hand-built, so every expected number below is counted by hand.


def _meeting(conn, key: str, team_id: int, utterances: list[dict]) -> int:
    meeting_id = conn.execute(
        insert(m.Meeting)
        .values(
            external_key=key, kind="deal_review", held_at=dt.datetime(2025, 3, 3), team_id=team_id, title=key
        )
        .returning(m.Meeting.id)
    ).scalar_one()
    rows = []
    for seq, u in enumerate(utterances, start=1):
        rows.append(
            {
                "meeting_id": meeting_id,
                "seq": seq,
                "speaker": u.get("speaker"),
                "start_seconds": u.get("start"),
                "end_seconds": u.get("end"),
                "text": u.get("text", "words"),
                "label": u.get("label"),
                "confidence": None,
                "evidence": None,
                "is_question": u.get("q", False),
                "nsp_mention": u.get("nsp", False),
                "classifier_version": u.get("version", "demo-planted"),
            }
        )
    if rows:
        conn.execute(insert(m.Utterance), rows)
    return meeting_id


@pytest.fixture
def teams(conn):
    conn.execute(insert(m.Team), [{"id": 901, "name": "Talk East"}, {"id": 902, "name": "Talk West"}])
    return 901, 902


def test_meeting_measures_in_sql(conn, teams):
    east, west = teams
    # A: 12 utterances by one speaker, no timings: the opening is the first 10, all other or revenue;
    # the first customer talk is the 11th.
    labels_a = ["other"] * 6 + ["revenue"] * 4 + ["customer_impact"] * 2
    a = _meeting(
        conn,
        "A",
        east,
        [
            {"label": label, "q": seq in (7, 8, 11), "nsp": seq == 10, "speaker": "Ann"}
            for seq, label in enumerate(labels_a, start=1)
        ],
    )
    # B: 60 utterances, 10 seconds apart; Bo (the lead, most utterances) talks about the customer
    # at the 6th, 50 seconds in.
    labels_b = ["other"] * 5 + ["customer_impact"] + ["other"] * 53 + [None]
    b = _meeting(
        conn,
        "B",
        east,
        [
            {"label": label, "speaker": "Cy" if seq % 4 == 0 else "Bo", "start": 10.0 * seq}
            for seq, label in enumerate(labels_b, start=1)
        ],
    )
    c = _meeting(conn, "C", east, [])
    hidden = _meeting(conn, "D", west, [{"label": "revenue"}])

    measures = {mm.meeting_id: mm for mm in meeting_measures(conn, Scope.teams([east]))}
    assert set(measures) == {a, b, c}
    ma, mb, mc = measures[a], measures[b], measures[c]
    assert (ma.utterances, ma.revenue, ma.customer_impact, ma.other) == (12, 4, 2, 6)
    assert ma.purpose_relevant == 6
    assert ma.customer_impact_share == pytest.approx(2 / 6)
    assert ma.revenue_share == pytest.approx(4 / 6)
    assert ma.purpose_talk_share == pytest.approx(6 / 12)
    assert (ma.questions_revenue, ma.questions_customer_impact, ma.questions_other) == (2, 1, 0)
    assert ma.opens_with_customer is False and ma.opening_timed is False
    assert ma.nsp_mentions == 1
    assert (mb.utterances, mb.customer_impact, mb.other, mb.purpose_relevant) == (60, 1, 58, 1)
    assert mb.customer_impact_share == 1.0 and mb.opens_with_customer is True and mb.opening_timed
    assert (mc.utterances, mc.customer_impact_share, mc.opens_with_customer) == (0, None, False)
    assert [mm.meeting_id for mm in meeting_measures(conn, Scope.everything(), meeting_ids=[hidden])] == [
        hidden
    ]
    assert meeting_measures(conn, Scope.teams([east]), meeting_ids=[hidden]) == []


@pytest.mark.parametrize(
    ("utterances", "opens"),
    [
        # The lead's customer talk at the 3rd utterance but 200 s in: past the first 3 minutes.
        ([("Lee", 0.0, "other"), ("Lee", 100.0, "other"), ("Lee", 200.0, "customer_impact")], False),
        # The same at 170 s: inside.
        ([("Lee", 0.0, "other"), ("Lee", 100.0, "other"), ("Lee", 170.0, "customer_impact")], True),
        # Someone else talks about the customer at once; the lead (who speaks most) never does.
        ([("Lee", 0.0, "other"), ("Max", 5.0, "customer_impact"), ("Lee", 9.0, "revenue")], False),
        # A tie for most utterances goes to whoever spoke first.
        (
            [
                ("Max", 0.0, "customer_impact"),
                ("Lee", 5.0, "other"),
                ("Lee", 9.0, "other"),
                ("Max", 12.0, "other"),
            ],
            True,
        ),
        # No speaker names: everyone's talk counts.
        ([(None, None, "other"), (None, None, "customer_impact")], True),
        # No timings: the first 10 utterances.
        ([("Lee", None, "other")] * 10 + [("Lee", None, "customer_impact")], False),
        ([("Lee", None, "other")] * 9 + [("Lee", None, "customer_impact")], True),
    ],
)
def test_the_opening_is_the_leads_first_minutes(conn, teams, utterances, opens):
    meeting = _meeting(
        conn,
        "opening",
        teams[0],
        [{"speaker": who, "start": start, "label": label} for who, start, label in utterances],
    )
    (measured,) = meeting_measures(conn, Scope.everything(), meeting_ids=[meeting])
    assert measured.opens_with_customer is opens
    assert measured.opening_timed is (utterances[0][1] is not None)
    longer = meeting_measures(conn, Scope.everything(), meeting_ids=[meeting], opening_minutes=4)[0]
    assert longer.opens_with_customer is (opens or utterances[2][1] == 200.0)


def test_talk_time_per_speaker(conn, teams):
    east, west = teams
    meeting = _meeting(
        conn,
        "T",
        east,
        [
            {"speaker": "Ann", "start": 0.0, "end": 10.0},
            {"speaker": "Ben", "start": 10.0, "end": 15.0},
            {"speaker": "Ann", "start": 15.0, "end": 25.0},
            {"speaker": "Ben", "start": 25.0, "end": 30.0},
            {"speaker": "Ann", "start": 30.0, "end": 40.0},
            {"speaker": "Cy"},
        ],
    )
    talk = talk_time_by_speaker(conn, Scope.teams([east]), meeting)
    assert [(t.speaker, t.utterances, t.seconds) for t in talk] == [
        ("Ann", 3, 30.0),
        ("Ben", 2, 10.0),
        ("Cy", 1, None),
    ]
    assert [t.share_of_time for t in talk] == [0.75, 0.25, None]
    assert talk_time_by_speaker(conn, Scope.teams([west]), meeting) == []


def test_reclassify_relabels_only_stale_versions(conn, teams):
    east, _ = teams
    model = default_classifier()
    meeting = _meeting(
        conn,
        "R",
        east,
        [
            # Planted labels, deliberately wrong: the classifier must replace them.
            {
                "text": "We need the PO signed before quarter end.",
                "label": "other",
                "version": "demo-planted",
            },
            {"text": "What are they trying to achieve?", "label": "revenue", "version": None},
            # Labelled by the current version: left exactly as stored, even though the label is odd.
            {"text": "Commit is at two million.", "label": "other", "version": model.version},
        ],
    )
    result = reclassify(conn, Scope.everything())
    assert (result.examined, result.label_changed, result.version) == (2, 2, model.version)
    rows = conn.execute(
        select(
            m.Utterance.label, m.Utterance.classifier_version, m.Utterance.is_question, m.Utterance.evidence
        )
        .where(m.Utterance.meeting_id == meeting)
        .order_by(m.Utterance.seq)
    ).all()
    assert [(r.label, r.classifier_version) for r in rows] == [
        ("revenue", model.version),
        ("customer_impact", model.version),
        ("other", model.version),
    ]
    assert rows[1].is_question and rows[0].evidence and rows[1].evidence
    again = reclassify(conn, Scope.everything())
    assert (again.examined, again.label_changed) == (0, 0)


def test_reclassify_cli_on_an_empty_database(fresh_engine):
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "reclassify", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"DATABASE_URL": str(fresh_engine.url), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "examined": 0,
        "label_changed": 0,
        "version": default_classifier().version,
    }
