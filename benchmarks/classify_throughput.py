"""How fast ``python -m dashboard classify`` labels utterances, whole process included.

Run by hand (not part of the test suite)::

    python benchmarks/classify_throughput.py [--count 200000] [--stream written|real|both]

Pipes ``--count`` utterances through the command as a subprocess, on one core when ``taskset``
exists, checks that every line came back as JSON, and prints utterances per second for each stream:

- ``written``: the labelled corpus, its sentences recombined so the stream is not one sentence
  repeated (the kind of talk the product is for);
- ``real``: every line of the real transcripts in shared/data/talk (meetings, earnings calls,
  interviews: fillers, long paragraphs, words never seen in training), cycled to ``--count``.
  Skipped, saying so, when that folder is absent.

Target: 20,000/s or better, whole process (start-up and model load included).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from metrics.talk import realdata  # noqa: E402
from metrics.talk.evaluation import TEST_PATH, TRAIN_PATH, read_labelled  # noqa: E402

TARGET_PER_SECOND = 20_000


def utterances(count: int, seed: int = 5) -> list[str]:
    texts = [t for _, t in read_labelled(TRAIN_PATH) + read_labelled(TEST_PATH)]
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        first = rng.choice(texts)
        # About a third of the lines join two sentences, as a transcript turn often does.
        out.append(first if rng.random() < 0.66 else f"{first} {rng.choice(texts)}")
    return out


def real_utterances(count: int) -> list[str] | None:
    """Every line of the real transcripts, in file order, repeated up to ``count``; None without them."""
    folder = realdata.talk_dir()
    if not folder.is_dir():
        return None
    lines = []
    for path in sorted(folder.glob("*/*.txt")):
        lines.extend(
            text for _, text in realdata.read_transcript(str(path.relative_to(folder)), folder) if text
        )
    return [lines[i % len(lines)] for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--stream", choices=("written", "real", "both"), default="both")
    args = parser.parse_args()
    for stream in ("written", "real"):
        if args.stream not in (stream, "both"):
            continue
        texts = utterances(args.count) if stream == "written" else real_utterances(args.count)
        if texts is None:
            print(f"real: skipped, the transcripts are not at {realdata.talk_dir()}")
            continue
        if run(stream, texts) is None:
            return 1
    return 0


def run(stream: str, texts: list[str]) -> float | None:
    """Pipe ``texts`` through ``python -m dashboard classify``; print and return utterances per second."""
    count = len(texts)
    payload = ("\n".join(texts) + "\n").encode()
    command = [sys.executable, "-m", "dashboard", "classify"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    started = time.perf_counter()
    done = subprocess.run(command, input=payload, capture_output=True, cwd=REPO_ROOT, check=True)
    elapsed = time.perf_counter() - started
    lines = done.stdout.decode().splitlines()
    if len(lines) != count:
        print(f"{stream}: expected {count} output lines, got {len(lines)}", file=sys.stderr)
        return None
    json.loads(lines[0])
    json.loads(lines[-1])
    rate = count / elapsed
    verdict = "meets the target of 20,000/s" if rate >= TARGET_PER_SECOND else "BELOW the target of 20,000/s"
    print(
        f"{stream}: {count:,} utterances in {elapsed:.2f} s: {rate:,.0f} utterances/second "
        f"(whole process, one core); {verdict}"
    )
    return rate


if __name__ == "__main__":
    raise SystemExit(main())
