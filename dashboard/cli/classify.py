"""``classify``: label talk read from standard input, one utterance per line, as JSON lines.

The import path stays light on purpose (no pandas, no streamlit, no database unless asked): the
whole process, start-up included, must label 20,000 utterances a second on one core
(benchmarks/classify_throughput.py measures it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboard.config import Settings

NAME = "classify"
HELP = (
    "Label utterances from standard input (one per line) as revenue, customer_impact or other; "
    "--evaluate FILE.tsv scores the classifier on labelled lines."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--evaluate",
        type=Path,
        metavar="FILE.tsv",
        help="score the classifier on label<TAB>text lines: per-label precision, recall, F1 and macro-F1",
    )
    parser.add_argument("--nsp", metavar="STATEMENT", help="the NSP statement to detect mentions of")
    parser.add_argument(
        "--key-phrase",
        action="append",
        default=[],
        metavar="PHRASE",
        help="a key phrase of the NSP (repeat for more)",
    )
    parser.add_argument(
        "--stored-nsp",
        action="store_true",
        help="detect mentions of the NSP stored in the database (instead of --nsp/--key-phrase)",
    )


def _matcher(args, settings: Settings):
    from metrics.talk.nsp import NspMatcher

    if args.stored_nsp:
        from dashboard.database import open_engine
        from metrics.talk.reclassify import stored_nsp_matcher

        engine = open_engine(settings, must_exist=True)
        try:
            with engine.connect() as conn:
                return stored_nsp_matcher(conn)
        finally:
            engine.dispose()
    if args.nsp or args.key_phrase:
        return NspMatcher(args.nsp, args.key_phrase)
    return None


def run(args, settings: Settings) -> int:
    from metrics.talk.classifier import default_classifier

    model = default_classifier()
    if args.evaluate is not None:
        return _evaluate(model, args.evaluate)
    nsp = _matcher(args, settings)
    classify = model.classify
    dumps = json.dumps
    out = sys.stdout
    buffer: list[str] = []
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        r = classify(text, nsp)
        buffer.append(
            f'{{"text": {dumps(text)}, "label": "{r.label}", "confidence": {r.confidence}, '
            f'"evidence": {dumps(r.evidence)}, "is_question": {"true" if r.is_question else "false"}, '
            f'"nsp_mention": {"true" if r.nsp_mention else "false"}}}\n'
        )
        if len(buffer) >= 2000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    out.flush()
    return 0


def _evaluate(model, path: Path) -> int:
    from dashboard.cli.errors import UserError
    from metrics.talk.evaluation import CorpusError, evaluate_rows, read_labelled

    try:
        rows = read_labelled(path)
    except CorpusError as exc:
        raise UserError(str(exc)) from None
    if not rows:
        raise UserError(f"{path} holds no labelled lines (expected label<TAB>text).")
    result = evaluate_rows(rows, lambda text: model.classify(text).label)
    print(f"classifier {model.version} on {path} ({result.n} utterances)")
    print(result.table())
    return 0
