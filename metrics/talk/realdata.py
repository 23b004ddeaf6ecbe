"""Hand-labelled real talk: where the labels are, where the text is, and which meetings are held out.

The labels live in the repository (``corpus/real_labels.tsv``: source file, line number, label); the
transcripts they point into do not. They are public recordings kept in the shared data folder
beside the repository (``<repo>/../shared/data/talk``, see its README for sources and licences),
so no transcript text is copied into the project. Training and the held-out figures read the text
from there; without that folder both say so in one sentence and stop.

Splitting is by meeting: every labelled line of one meeting, call or interview is either in
training or held out, never both (:data:`HELD_OUT`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from metrics.talk.evaluation import CORPUS_DIR, LABELS, CorpusError

REAL_LABELS_PATH = CORPUS_DIR / "real_labels.tsv"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Where the transcripts are; TALK_DATA_DIR overrides it (a checkout elsewhere, a CI copy).
DEFAULT_TALK_DIR = REPO_ROOT.parent / "shared" / "data" / "talk"

# Meetings whose labels are never trained on: the held-out figures in docs/talk-classifier.md.
# Chosen before any model was fitted, at least one per source.
HELD_OUT = frozenset(
    [
        "ami/TS3005a.txt",
        "icsi/Bro007.txt",
        "earnings_calls/NCR_q2_2021.txt",
        "earnings_calls/PCG_q3_2021.txt",
        "earnings_calls/RES_q3_2021.txt",
        "podcasts/founders-talk-83.txt",
    ]
)
SOURCES = ("ami", "icsi", "earnings_calls", "podcasts")


class RealDataMissing(RuntimeError):
    """The shared transcripts are not where the labels expect them."""


@dataclass(frozen=True, slots=True)
class RealUtterance:
    source: str  # path relative to the talk folder, e.g. "ami/TS3005a.txt": the meeting
    line: int
    label: str
    speaker: str
    text: str

    @property
    def corpus(self) -> str:
        """The collection the meeting comes from: ami, icsi, earnings_calls or podcasts."""
        return self.source.split("/", 1)[0]


def talk_dir() -> Path:
    override = os.environ.get("TALK_DATA_DIR")
    return Path(override) if override else DEFAULT_TALK_DIR


def read_label_rows(path: Path = REAL_LABELS_PATH) -> list[tuple[str, int, str]]:
    """``(source, line, label)`` rows of the labels file, checked."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file.") from None
    rows = []
    seen = set()
    for number, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#") or raw.startswith("source\t"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            raise CorpusError(f"{path}, line {number}: expected source<TAB>line number<TAB>label.")
        source, line, label = parts[0].strip(), int(parts[1]), parts[2].strip()
        if label not in LABELS:
            raise CorpusError(
                f"{path}, line {number}: unknown label {label!r} (use one of {', '.join(LABELS)})."
            )
        if (source, line) in seen:
            raise CorpusError(f"{path}, line {number}: {source} line {line} is labelled twice.")
        seen.add((source, line))
        rows.append((source, line, label))
    return rows


def split_line(raw: str) -> tuple[str, str]:
    """``Speaker: text`` into its two parts (a line without a speaker is all text)."""
    speaker, sep, text = raw.partition(": ")
    if not sep or len(speaker) > 200:
        return "", raw.strip()
    return speaker.strip(), text.strip()


def read_transcript(source: str, folder: Path | None = None) -> list[tuple[str, str]]:
    """Every line of one transcript as ``(speaker, text)``, in order (line 1 first)."""
    path = (folder or talk_dir()) / source
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RealDataMissing(
            f"{path}: the labelled transcript is missing (see shared/data/README.md)."
        ) from None
    return [split_line(raw) for raw in lines]


def load(folder: Path | None = None, path: Path = REAL_LABELS_PATH) -> list[RealUtterance]:
    """Every labelled real utterance with its text read from the shared transcripts.

    Raises
    ------
    RealDataMissing
        When the talk folder is absent (the message names it) or a labelled line is past the end of
        its file.
    """
    folder = folder or talk_dir()
    if not folder.is_dir():
        raise RealDataMissing(
            f"{folder}: the real transcripts are not there (set TALK_DATA_DIR to their folder)."
        )
    rows = read_label_rows(path)
    texts: dict[str, list[tuple[str, str]]] = {}
    out = []
    for source, line, label in rows:
        if source not in texts:
            texts[source] = read_transcript(source, folder)
        lines = texts[source]
        if not 1 <= line <= len(lines):
            raise RealDataMissing(
                f"{folder / source}: line {line} is labelled but the file has {len(lines)} lines."
            )
        speaker, text = lines[line - 1]
        out.append(RealUtterance(source, line, label, speaker, text))
    return out


def available(folder: Path | None = None) -> bool:
    return (folder or talk_dir()).is_dir()


def split(rows: Iterable[RealUtterance]) -> tuple[list[RealUtterance], list[RealUtterance]]:
    """``(training, held out)`` by meeting."""
    train, held = [], []
    for r in rows:
        (held if r.source in HELD_OUT else train).append(r)
    return train, held


def held_out_figures(model=None) -> dict:
    """The shipped classifier on the held-out meetings: per-source reports, the reliability table and
    the expected calibration error (what docs/talk-classifier.md reports)."""
    from metrics.talk.classifier import default_classifier
    from metrics.talk.evaluation import real_report, reliability

    model = model or default_classifier()
    _, held = split(load())
    results = [model.classify(r.text) for r in held]
    reports = real_report(held, [r.label for r in results])
    bins, ece = reliability(
        [r.confidence for r in results], [r.label == h.label for r, h in zip(results, held, strict=True)]
    )
    return {"reports": reports, "bins": bins, "ece": ece, "rows": held, "results": results}


def main(argv: list[str] | None = None) -> int:
    """``python -m metrics.talk.realdata``: the shipped model's held-out figures on real talk."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0].strip("`"))
    parser.parse_args(argv)
    try:
        figures = held_out_figures()
    except (RealDataMissing, CorpusError) as exc:
        parser.exit(2, f"{exc}\n")
    held = figures["rows"]
    print(f"held-out real talk: {len(held)} utterances from {len({r.source for r in held})} meetings")
    for name, report in figures["reports"].items():
        print(f"  {name:<15} {report.summary()}")
    print("reliability (confidence band: n, mean confidence, share right)")
    for b in figures["bins"]:
        print(f"  {b.low:.2f}-{b.high:.2f}: {b.n:>5} {b.mean_confidence:.3f} {b.accuracy:.3f}")
    print(f"expected calibration error {figures['ece']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
