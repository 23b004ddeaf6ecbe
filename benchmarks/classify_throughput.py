"""How fast ``python -m dashboard classify`` labels utterances, whole process included.

Run by hand (not part of the test suite)::

    python benchmarks/classify_throughput.py [--count 200000]

Pipes ``--count`` utterances (the labelled corpus, its sentences recombined so the stream is not one
sentence repeated) through the command as a subprocess, on one core when ``taskset`` exists, checks
that every line came back as JSON, and prints utterances per second. Target: 20,000/s or better.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    args = parser.parse_args()
    payload = ("\n".join(utterances(args.count)) + "\n").encode()
    command = [sys.executable, "-m", "dashboard", "classify"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    started = time.perf_counter()
    done = subprocess.run(command, input=payload, capture_output=True, cwd=REPO_ROOT, check=True)
    elapsed = time.perf_counter() - started
    lines = done.stdout.decode().splitlines()
    if len(lines) != args.count:
        print(f"expected {args.count} output lines, got {len(lines)}", file=sys.stderr)
        return 1
    json.loads(lines[0])
    json.loads(lines[-1])
    rate = args.count / elapsed
    print(
        f"{args.count:,} utterances in {elapsed:.2f} s: {rate:,.0f} utterances/second (whole process, one core)"
    )
    print("meets the target of 20,000/s" if rate >= TARGET_PER_SECOND else "BELOW the target of 20,000/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
