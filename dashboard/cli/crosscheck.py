"""``crosscheck``: the talk classifier against the demo's planted labels (nothing is written).

Generates the demo organisation in memory (the first-run demo's seed unless ``--seed`` says) and scores the classifier on
every utterance's planted label with :mod:`metrics.talk.crosscheck`: per-label precision, recall and
F1, the confusion matrix, the largest confusions with example sentences and the words that decided
them, and each team's customer-talk share and deal reviews asking, planted against classified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dashboard.cli.errors import UserError
from dashboard.config import Settings

NAME = "crosscheck"
HELP = "Score the talk classifier on the demo's planted labels (generated in memory; nothing is written)."
# Any fixed end date gives two years of meetings; the seed is the first-run demo's (settings.demo_seed).
DEMO_END = dt.date(2026, 4, 30)


def add_arguments(parser) -> None:
    parser.add_argument("--seed", type=int, default=None, help="demo seed (default: the first-run demo's, 7)")
    parser.add_argument(
        "--end", type=dt.date.fromisoformat, default=DEMO_END, help="demo end date (default %(default)s)"
    )
    parser.add_argument("--sample", type=int, default=None, help="score a random sample of this many")
    parser.add_argument("--examples", type=int, default=4, help="example sentences per confusion")
    parser.add_argument("--confusions", type=int, default=6, help="how many confusions to show")
    parser.add_argument(
        "--model", type=Path, default=None, help="a model.json to check instead of the shipped one"
    )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def run(args, settings: Settings) -> int:
    from data_access.demo import build_demo
    from metrics.talk.classifier import TalkClassifier, default_classifier
    from metrics.talk.crosscheck import cross_check, planted_utterances, team_figures

    if args.model is not None and not args.model.is_file():
        raise UserError(f"{args.model}: no such model file.")
    seed = settings.demo_seed if args.seed is None else args.seed
    utterances = planted_utterances(build_demo(seed, args.end), sample=args.sample)
    model = TalkClassifier.from_file(args.model) if args.model else default_classifier()
    check = cross_check([(u.label, u.text) for u in utterances], model)
    print(f"classifier {model.version} against the demo's planted labels (seed {seed}, end {args.end})")
    print(check.evaluation.table())
    print()
    print(check.matrix_table())
    for (gold, predicted), n in check.top_confusions(args.confusions):
        words = ", ".join(f"{w} ({k})" for w, k in check.evidence[(gold, predicted)].most_common(6))
        print(f"\nplanted {gold}, labelled {predicted}: {n} utterances; deciding words: {words or 'none'}")
        for text in check.examples[(gold, predicted)][: args.examples]:
            print(f"  {text}")
    if args.sample is None:
        print(
            "\nteam         customer share (planted -> classified)   deal reviews asking (planted -> classified)"
        )
        for f in team_figures(utterances, model):
            print(
                f"{f.team:<12} {_fmt(f.planted_customer_share):>14} -> {_fmt(f.classified_customer_share):<24}"
                f"{_fmt(f.planted_reviews_asking):>14} -> {_fmt(f.classified_reviews_asking)}"
            )
    return 0
